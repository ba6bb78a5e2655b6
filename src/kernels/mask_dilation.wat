;; Binary (0/1) mask dilation by a rectangle, 16 pixels per step: an OR of shifted copies across and
;; down. Callers pad the source with zeros so that shifts past either end read nothing.
;; Assembled into mask_dilation_wasm.ts by `deno task wasm` (scripts/build_wasm.ts).
(module
  (memory (export "memory") 1)

  ;; dst[i] = src[i - radius] | ... | src[i + radius] for i < count, rounded up to 16 (flat: rows wrap).
  (func (export "orAcrossInto") (param $src i32) (param $dst i32) (param $count i32) (param $radius i32)
    (local $end i32) (local $at i32) (local $last i32) (local $value v128)
    (local.set $end (i32.add (local.get $dst) (local.get $count)))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (local.set $at (i32.sub (local.get $src) (local.get $radius)))
        (local.set $last (i32.add (local.get $src) (local.get $radius)))
        (local.set $value (v128.const i32x4 0 0 0 0))
        (loop $shift
          (local.set $value (v128.or (local.get $value) (v128.load (local.get $at))))
          (local.set $at (i32.add (local.get $at) (i32.const 1)))
          (br_if $shift (i32.le_u (local.get $at) (local.get $last))))
        (v128.store (local.get $dst) (local.get $value))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $vector))))

  ;; dst[i] = src[i - radius·stride] | ... | src[i + radius·stride] for i < count, rounded up to 16.
  (func (export "orDownInto")
    (param $src i32) (param $dst i32) (param $count i32) (param $stride i32) (param $radius i32)
    (local $end i32) (local $at i32) (local $last i32) (local $reach i32) (local $value v128)
    (local.set $end (i32.add (local.get $dst) (local.get $count)))
    (local.set $reach (i32.mul (local.get $radius) (local.get $stride)))
    (block $done
      (loop $vector
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (local.set $at (i32.sub (local.get $src) (local.get $reach)))
        (local.set $last (i32.add (local.get $src) (local.get $reach)))
        (local.set $value (v128.const i32x4 0 0 0 0))
        (loop $shift
          (local.set $value (v128.or (local.get $value) (v128.load (local.get $at))))
          (local.set $at (i32.add (local.get $at) (local.get $stride)))
          (br_if $shift (i32.le_u (local.get $at) (local.get $last))))
        (v128.store (local.get $dst) (local.get $value))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $vector)))))
