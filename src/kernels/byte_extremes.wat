;; Byte kernels for per-pixel projections over the frames of an 8-bit loop, 16 samples per step.
;; Assembled into byte_extremes_wasm.ts by `deno task wasm` (scripts/build_wasm.ts).
(module
  (memory (export "memory") 1)

  ;; dst[p] = max(src[3p], src[3p + 1], src[3p + 2]): the brightest channel of interleaved RGB.
  (func (export "brightestOfRgb") (param $src i32) (param $dst i32) (param $pixels i32)
    (local $vectorEnd i32) (local $end i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128)
    (local.set $vectorEnd (i32.add (local.get $dst) (i32.and (local.get $pixels) (i32.const -16))))
    (local.set $end (i32.add (local.get $dst) (local.get $pixels)))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $dst) (local.get $vectorEnd)))
        (local.set $v0 (v128.load (local.get $src)))
        (local.set $v1 (v128.load offset=16 (local.get $src)))
        (local.set $v2 (v128.load offset=32 (local.get $src)))
        ;; Each channel of 16 pixels: 10 or 11 lanes from the first 32 bytes, the rest from the last 16.
        (v128.store (local.get $dst)
          (i8x16.max_u
            (i8x16.max_u
              (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 17 20 23 26 29
                (i8x16.shuffle 0 3 6 9 12 15 18 21 24 27 30 0 0 0 0 0 (local.get $v0) (local.get $v1))
                (local.get $v2))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 18 21 24 27 30
                (i8x16.shuffle 1 4 7 10 13 16 19 22 25 28 31 0 0 0 0 0 (local.get $v0) (local.get $v1))
                (local.get $v2)))
            (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 16 19 22 25 28 31
              (i8x16.shuffle 2 5 8 11 14 17 20 23 26 29 0 0 0 0 0 0 (local.get $v0) (local.get $v1))
              (local.get $v2))))
        (local.set $src (i32.add (local.get $src) (i32.const 48)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $vector)))
    (block $done
      (loop $scalar
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (i32.store8 (local.get $dst)
          (call $max
            (call $max (i32.load8_u (local.get $src)) (i32.load8_u offset=1 (local.get $src)))
            (i32.load8_u offset=2 (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 3)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (br $scalar))))

  ;; low[i] = min(low[i], src[i]); high[i] = max(high[i], src[i]) for i < count.
  (func (export "extremesInto") (param $src i32) (param $low i32) (param $high i32) (param $count i32)
    (local $vectorEnd i32) (local $end i32) (local $value v128) (local $byte i32)
    (local.set $vectorEnd (i32.add (local.get $src) (i32.and (local.get $count) (i32.const -16))))
    (local.set $end (i32.add (local.get $src) (local.get $count)))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $src) (local.get $vectorEnd)))
        (local.set $value (v128.load (local.get $src)))
        (v128.store (local.get $low) (i8x16.min_u (v128.load (local.get $low)) (local.get $value)))
        (v128.store (local.get $high) (i8x16.max_u (v128.load (local.get $high)) (local.get $value)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $low (i32.add (local.get $low) (i32.const 16)))
        (local.set $high (i32.add (local.get $high) (i32.const 16)))
        (br $vector)))
    (block $done
      (loop $scalar
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (local.set $byte (i32.load8_u (local.get $src)))
        (i32.store8 (local.get $low) (call $min (i32.load8_u (local.get $low)) (local.get $byte)))
        (i32.store8 (local.get $high) (call $max (i32.load8_u (local.get $high)) (local.get $byte)))
        (local.set $src (i32.add (local.get $src) (i32.const 1)))
        (local.set $low (i32.add (local.get $low) (i32.const 1)))
        (local.set $high (i32.add (local.get $high) (i32.const 1)))
        (br $scalar))))

  ;; low[i] = min(low[i], src[i]) for i < count.
  (func (export "minimumInto") (param $src i32) (param $low i32) (param $count i32)
    (local $vectorEnd i32) (local $end i32)
    (local.set $vectorEnd (i32.add (local.get $src) (i32.and (local.get $count) (i32.const -16))))
    (local.set $end (i32.add (local.get $src) (local.get $count)))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $src) (local.get $vectorEnd)))
        (v128.store (local.get $low) (i8x16.min_u (v128.load (local.get $low)) (v128.load (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $low (i32.add (local.get $low) (i32.const 16)))
        (br $vector)))
    (block $done
      (loop $scalar
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (i32.store8 (local.get $low) (call $min (i32.load8_u (local.get $low)) (i32.load8_u (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 1)))
        (local.set $low (i32.add (local.get $low) (i32.const 1)))
        (br $scalar))))

;; sum[i] += src[i] for i < count, sum holding u16 (wrapping past 65535: callers sum at most 257 frames).
  (func (export "sumInto") (param $src i32) (param $sum i32) (param $count i32)
    (local $vectorEnd i32) (local $end i32) (local $value v128)
    (local.set $vectorEnd (i32.add (local.get $src) (i32.and (local.get $count) (i32.const -16))))
    (local.set $end (i32.add (local.get $src) (local.get $count)))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $src) (local.get $vectorEnd)))
        (local.set $value (v128.load (local.get $src)))
        (v128.store (local.get $sum)
          (i16x8.add (v128.load (local.get $sum)) (i16x8.extend_low_i8x16_u (local.get $value))))
        (v128.store offset=16 (local.get $sum)
          (i16x8.add (v128.load offset=16 (local.get $sum)) (i16x8.extend_high_i8x16_u (local.get $value))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $sum (i32.add (local.get $sum) (i32.const 32)))
        (br $vector)))
    (block $done
      (loop $scalar
        (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
        (i32.store16 (local.get $sum) (i32.add (i32.load16_u (local.get $sum)) (i32.load8_u (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 1)))
        (local.set $sum (i32.add (local.get $sum) (i32.const 2)))
        (br $scalar))))

  ;; dst[p] = max − min of (src[3p], src[3p + 1], src[3p + 2]) where that is ≥ threshold (1..255), else 0;
  ;; returns how many pixels reach it.
  (func (export "chromaOfRgb") (param $src i32) (param $dst i32) (param $pixels i32) (param $threshold i32)
    (result i32)
    (local $vectorEnd i32) (local $end i32) (local $count i32) (local $chroma i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $r v128) (local $g v128) (local $b v128)
    (local $c v128) (local $reached v128)
    (local.set $vectorEnd (i32.add (local.get $dst) (i32.and (local.get $pixels) (i32.const -16))))
    (local.set $end (i32.add (local.get $dst) (local.get $pixels)))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $dst) (local.get $vectorEnd)))
        (local.set $v0 (v128.load (local.get $src)))
        (local.set $v1 (v128.load offset=16 (local.get $src)))
        (local.set $v2 (v128.load offset=32 (local.get $src)))
        ;; The channels of 16 pixels, gathered as in brightestOfRgb.
        (local.set $r (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 17 20 23 26 29
          (i8x16.shuffle 0 3 6 9 12 15 18 21 24 27 30 0 0 0 0 0 (local.get $v0) (local.get $v1))
          (local.get $v2)))
        (local.set $g (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 18 21 24 27 30
          (i8x16.shuffle 1 4 7 10 13 16 19 22 25 28 31 0 0 0 0 0 (local.get $v0) (local.get $v1))
          (local.get $v2)))
        (local.set $b (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 16 19 22 25 28 31
          (i8x16.shuffle 2 5 8 11 14 17 20 23 26 29 0 0 0 0 0 0 (local.get $v0) (local.get $v1))
          (local.get $v2)))
        (local.set $c
          (i8x16.sub
            (i8x16.max_u (i8x16.max_u (local.get $r) (local.get $g)) (local.get $b))
            (i8x16.min_u (i8x16.min_u (local.get $r) (local.get $g)) (local.get $b))))
        (local.set $reached (i8x16.ge_u (local.get $c) (i8x16.splat (local.get $threshold))))
        (v128.store (local.get $dst) (v128.and (local.get $c) (local.get $reached)))
        (local.set $count
          (i32.add (local.get $count) (i32.popcnt (i8x16.bitmask (local.get $reached)))))
        (local.set $src (i32.add (local.get $src) (i32.const 48)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $vector)))
    (block $done
      (loop $scalar
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (local.set $chroma
          (i32.sub
            (call $max
              (call $max (i32.load8_u (local.get $src)) (i32.load8_u offset=1 (local.get $src)))
              (i32.load8_u offset=2 (local.get $src)))
            (call $min
              (call $min (i32.load8_u (local.get $src)) (i32.load8_u offset=1 (local.get $src)))
              (i32.load8_u offset=2 (local.get $src)))))
        (if (i32.ge_u (local.get $chroma) (local.get $threshold))
          (then (local.set $count (i32.add (local.get $count) (i32.const 1))))
          (else (local.set $chroma (i32.const 0))))
        (i32.store8 (local.get $dst) (local.get $chroma))
        (local.set $src (i32.add (local.get $src) (i32.const 3)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (br $scalar)))
    (local.get $count))

  ;; dst[i] = 1 where high[i] − low[i] > tolerance (0..254; the saturating difference decides alike), else 0.
  (func (export "rangeAboveInto")
    (param $low i32) (param $high i32) (param $dst i32) (param $count i32) (param $tolerance i32)
    (local $vectorEnd i32) (local $end i32)
    (local.set $vectorEnd (i32.add (local.get $dst) (i32.and (local.get $count) (i32.const -16))))
    (local.set $end (i32.add (local.get $dst) (local.get $count)))
    (block $vectorDone
      (loop $vector
        (br_if $vectorDone (i32.ge_u (local.get $dst) (local.get $vectorEnd)))
        (v128.store (local.get $dst)
          (v128.and
            (i8x16.gt_u
              (i8x16.sub_sat_u (v128.load (local.get $high)) (v128.load (local.get $low)))
              (i8x16.splat (local.get $tolerance)))
            (i8x16.splat (i32.const 1))))
        (local.set $low (i32.add (local.get $low) (i32.const 16)))
        (local.set $high (i32.add (local.get $high) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $vector)))
    (block $done
      (loop $scalar
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (i32.store8 (local.get $dst)
          (i32.gt_s
            (i32.sub (i32.load8_u (local.get $high)) (i32.load8_u (local.get $low)))
            (local.get $tolerance)))
        (local.set $low (i32.add (local.get $low) (i32.const 1)))
        (local.set $high (i32.add (local.get $high) (i32.const 1)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (br $scalar))))

  (func $max (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.gt_u (local.get $a) (local.get $b))))
  (func $min (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.lt_u (local.get $a) (local.get $b)))))
