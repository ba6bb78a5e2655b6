;; Kernels of the stroke search (src/text/stroke_candidates.ts), 16 pixels per step: bright ridges
;; across a row, and the lengths of vertical runs. Callers pad every region with zeros, so each count
;; is handled rounded up to 16 and shifts past either end read zeros.
;; Assembled into vertical_strokes_wasm.ts by `deno task wasm` (scripts/build_wasm.ts).
(module
  (memory (export "memory") 1)

  ;; dst[i] = 1 when src[i] − min(max(src[i−2], src[i+2]), max(src[i−3], src[i+3])) ≥ contrast, else 0
  ;; (contrast 1..255, so the saturating difference decides alike).
  (func (export "ridgeInto") (param $src i32) (param $dst i32) (param $count i32) (param $contrast i32)
    (local $end i32) (local $threshold v128)
    (local.set $end (i32.add (local.get $dst) (local.get $count)))
    (local.set $threshold (i8x16.splat (local.get $contrast)))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst)
          (v128.and
            (i8x16.ge_u
              (i8x16.sub_sat_u
                (v128.load (local.get $src))
                (i8x16.min_u
                  (i8x16.max_u
                    (v128.load (i32.sub (local.get $src) (i32.const 2)))
                    (v128.load offset=2 (local.get $src)))
                  (i8x16.max_u
                    (v128.load (i32.sub (local.get $src) (i32.const 3)))
                    (v128.load offset=3 (local.get $src)))))
              (local.get $threshold))
            (i8x16.splat (i32.const 1))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $vector))))

  ;; dst[i] = src[i − 1] | src[i] | src[i + 1] (0/1 values).
  (func (export "widenInto") (param $src i32) (param $dst i32) (param $count i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (local.get $count)))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (v128.store (local.get $dst)
          (v128.or
            (v128.load (i32.sub (local.get $src) (i32.const 1)))
            (v128.or (v128.load (local.get $src)) (v128.load offset=1 (local.get $src)))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $vector))))

  ;; down[i] = on[i] ? down[i − stride] + 1 : 0, saturating at 255: the length so far of the vertical
  ;; run of 0/1 `on` through i. Ascending, so stride ≥ 16 (a whole vector back is final); down[−stride..−1] = 0.
  (func (export "runDownInto") (param $on i32) (param $down i32) (param $count i32) (param $stride i32)
    (local $end i32) (local $one v128)
    (local.set $end (i32.add (local.get $down) (local.get $count)))
    (local.set $one (i8x16.splat (i32.const 1)))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $down) (local.get $end)))
        (v128.store (local.get $down)
          (v128.and
            (i8x16.add_sat_u (v128.load (i32.sub (local.get $down) (local.get $stride))) (local.get $one))
            (i8x16.neg (v128.load (local.get $on)))))
        (local.set $on (i32.add (local.get $on) (i32.const 16)))
        (local.set $down (i32.add (local.get $down) (i32.const 16)))
        (br $vector))))

  ;; up[i] = on[i] ? up[i + stride] + 1 : 0, saturating: the run's length from i on. Descending over
  ;; the count rounded up to 16, so stride ≥ 16; up[count..count + stride + 15] = 0 and on there too.
  (func (export "runUpInto") (param $on i32) (param $up i32) (param $count i32) (param $stride i32)
    (local $at i32) (local $one v128)
    (local.set $one (i8x16.splat (i32.const 1)))
    (local.set $at (i32.and (i32.add (local.get $count) (i32.const 15)) (i32.const -16)))
    (block $done
      (loop $vector
        (br_if $done (i32.eqz (local.get $at)))
        (local.set $at (i32.sub (local.get $at) (i32.const 16)))
        (v128.store (i32.add (local.get $up) (local.get $at))
          (v128.and
            (i8x16.add_sat_u
              (v128.load (i32.add (i32.add (local.get $up) (local.get $at)) (local.get $stride)))
              (local.get $one))
            (i8x16.neg (v128.load (i32.add (local.get $on) (local.get $at))))))
        (br $vector))))

  ;; dst[i] = keep[i] when down[i] + up[i] (saturating; the run's length + 1) lies in [low, high].
  (func (export "keepRunsInto")
    (param $keep i32) (param $down i32) (param $up i32) (param $dst i32) (param $count i32)
    (param $low i32) (param $high i32)
    (local $end i32) (local $total v128)
    (local.set $end (i32.add (local.get $dst) (local.get $count)))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (local.set $total (i8x16.add_sat_u (v128.load (local.get $down)) (v128.load (local.get $up))))
        (v128.store (local.get $dst)
          (v128.and
            (v128.load (local.get $keep))
            (v128.and
              (i8x16.ge_u (local.get $total) (i8x16.splat (local.get $low)))
              (i8x16.le_u (local.get $total) (i8x16.splat (local.get $high))))))
        (local.set $keep (i32.add (local.get $keep) (i32.const 16)))
        (local.set $down (i32.add (local.get $down) (i32.const 16)))
        (local.set $up (i32.add (local.get $up) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $vector)))))
