;; Thresholded Euclidean distance of a binary mask (see src/roi/distance_transform.ts, withinDistance):
;; column distances 16 columns per step, then the two running sweeps along each row.
;; Assembled into within_distance_wasm.ts by `deno task wasm` (scripts/build_wasm.ts).
(module
  (memory (export "memory") 1)

  ;; out[i] = 1 where a pixel equal to $feature lies within the reach whose half widths along a row
  ;; are the i32 table at $halfWidth (index = column distance 0..reach, and at reach + 1 a large
  ;; negative number: out of reach). Needs cols >= 16 and reach + 1 <= 254 (column distances are
  ;; bytes capped at reach + 1).
  (func (export "withinDistance")
    (param $mask i32) (param $column i32) (param $out i32) (param $halfWidth i32)
    (param $rows i32) (param $cols i32) (param $feature i32) (param $reach i32)
    (local $count i32) (local $i i32) (local $end i32) (local $cap i32)
    (local $featureLanes v128) (local $capLanes v128) (local $ones v128) (local $isFeature v128)
    (local $row i32) (local $rowEnd i32) (local $x i32) (local $g i32) (local $reachEnd i32) (local $outAt i32)
    (local.set $count (i32.mul (local.get $rows) (local.get $cols)))
    (local.set $cap (i32.add (local.get $reach) (i32.const 1)))
    (local.set $featureLanes (i8x16.splat (local.get $feature)))
    (local.set $capLanes (i8x16.splat (local.get $cap)))
    (local.set $ones (i8x16.splat (i32.const 1)))

    ;; Down the columns: 0 on a feature, else one more than the pixel above, capped; the first row
    ;; has nothing above, so it is the cap. Chunks of 16 start at the second row and read a row above
    ;; that is already final because cols >= 16.
    (local.set $i (i32.const 0))
    (block $firstRowDone
      (loop $firstRow
        (br_if $firstRowDone (i32.ge_u (local.get $i) (local.get $cols)))
        (i32.store8 (i32.add (local.get $column) (local.get $i))
          (select (i32.const 0) (local.get $cap)
            (i32.eq (i32.load8_u (i32.add (local.get $mask) (local.get $i))) (local.get $feature))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $firstRow)))
    (block $downDone
      (loop $down
        (br_if $downDone (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $count)))
        (local.set $isFeature (i8x16.eq (v128.load (i32.add (local.get $mask) (local.get $i))) (local.get $featureLanes)))
        (v128.store (i32.add (local.get $column) (local.get $i))
          (v128.andnot
            (i8x16.min_u
              (i8x16.add_sat_u
                (v128.load (i32.sub (i32.add (local.get $column) (local.get $i)) (local.get $cols)))
                (local.get $ones))
              (local.get $capLanes))
            (local.get $isFeature)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $down)))
    (block $downTailDone
      (loop $downTail
        (br_if $downTailDone (i32.ge_u (local.get $i) (local.get $count)))
        (i32.store8 (i32.add (local.get $column) (local.get $i))
          (select (i32.const 0)
            (call $min
              (i32.add (i32.load8_u (i32.sub (i32.add (local.get $column) (local.get $i)) (local.get $cols))) (i32.const 1))
              (local.get $cap))
            (i32.eq (i32.load8_u (i32.add (local.get $mask) (local.get $i))) (local.get $feature))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $downTail)))

    ;; Up the columns: at most one more than the pixel below. Chunks from the end; each reads a row
    ;; below that is already final because cols >= 16.
    (local.set $end (i32.sub (local.get $count) (local.get $cols)))
    (local.set $i (local.get $end))
    (block $upDone
      (loop $up
        (br_if $upDone (i32.lt_s (local.get $i) (i32.const 16)))
        (local.set $i (i32.sub (local.get $i) (i32.const 16)))
        (v128.store (i32.add (local.get $column) (local.get $i))
          (i8x16.min_u
            (v128.load (i32.add (local.get $column) (local.get $i)))
            (i8x16.add_sat_u
              (v128.load (i32.add (i32.add (local.get $column) (local.get $i)) (local.get $cols)))
              (local.get $ones))))
        (br $up)))
    (block $upTailDone
      (loop $upTail
        (br_if $upTailDone (i32.le_s (local.get $i) (i32.const 0)))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (i32.store8 (i32.add (local.get $column) (local.get $i))
          (call $min
            (i32.load8_u (i32.add (local.get $column) (local.get $i)))
            (i32.add (i32.load8_u (i32.add (i32.add (local.get $column) (local.get $i)) (local.get $cols))) (i32.const 1))))
        (br $upTail)))

    ;; Along each row: a pixel is covered by a column within reach whose half width spans it.
    (local.set $row (i32.const 0))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $count)))
        (local.set $rowEnd (i32.add (local.get $row) (local.get $cols)))
        ;; Left to right: reachEnd is the farthest column index covered so far (relative to the row).
        (local.set $reachEnd (i32.const -1))
        (local.set $x (i32.const 0))
        (block $rightDone
          (loop $right
            (br_if $rightDone (i32.ge_u (local.get $x) (local.get $cols)))
            (local.set $g (i32.load8_u (i32.add (i32.add (local.get $column) (local.get $row)) (local.get $x))))
            ;; No branch: beyond the reach (g = cap) the table holds a large negative half width.
            (local.set $reachEnd
              (call $maxSigned (local.get $reachEnd)
                (i32.add (local.get $x)
                  (i32.load (i32.add (local.get $halfWidth) (i32.shl (local.get $g) (i32.const 2)))))))
            (i32.store8 (i32.add (i32.add (local.get $out) (local.get $row)) (local.get $x))
              (i32.ge_s (local.get $reachEnd) (local.get $x)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $right)))
        ;; Right to left: reachEnd is now the nearest column index covered from the right.
        (local.set $reachEnd (local.get $cols))
        (local.set $x (local.get $cols))
        (block $leftDone
          (loop $left
            (br_if $leftDone (i32.le_s (local.get $x) (i32.const 0)))
            (local.set $x (i32.sub (local.get $x) (i32.const 1)))
            (local.set $g (i32.load8_u (i32.add (i32.add (local.get $column) (local.get $row)) (local.get $x))))
            (local.set $reachEnd
              (call $minSigned (local.get $reachEnd)
                (i32.sub (local.get $x)
                  (i32.load (i32.add (local.get $halfWidth) (i32.shl (local.get $g) (i32.const 2)))))))
            (local.set $outAt (i32.add (i32.add (local.get $out) (local.get $row)) (local.get $x)))
            (i32.store8 (local.get $outAt)
              (i32.or (i32.load8_u (local.get $outAt)) (i32.le_s (local.get $reachEnd) (local.get $x))))
            (br $left)))
        (local.set $row (local.get $rowEnd))
        (br $rowLoop))))

  (func $min (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.lt_u (local.get $a) (local.get $b))))
  (func $maxSigned (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.gt_s (local.get $a) (local.get $b))))
  (func $minSigned (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.lt_s (local.get $a) (local.get $b)))))
