;; SHA-256 (FIPS 180-4) over bytes the caller has written to memory at INPUT, for the manifest's file hashes.
;; Layout: 0..256 the round constants, 256..512 the message schedule, 512..544 the digest (big-endian), INPUT = 1024.
;; The caller makes room for the message plus 72 bytes of padding; digest(length) pads in place and hashes.
(module
  (memory (export "memory") 1)
  (data (i32.const 0)
    "\98\2f\8a\42\91\44\37\71\cf\fb\c0\b5\a5\db\b5\e9\5b\c2\56\39\f1\11\f1\59\a4\82\3f\92\d5\5e\1c\ab"
    "\98\aa\07\d8\01\5b\83\12\be\85\31\24\c3\7d\0c\55\74\5d\be\72\fe\b1\de\80\a7\06\dc\9b\74\f1\9b\c1"
    "\c1\69\9b\e4\86\47\be\ef\c6\9d\c1\0f\cc\a1\0c\24\6f\2c\e9\2d\aa\84\74\4a\dc\a9\b0\5c\da\88\f9\76"
    "\52\51\3e\98\6d\c6\31\a8\c8\27\03\b0\c7\7f\59\bf\f3\0b\e0\c6\47\91\a7\d5\51\63\ca\06\67\29\29\14"
    "\85\0a\b7\27\38\21\1b\2e\fc\6d\2c\4d\13\0d\38\53\54\73\0a\65\bb\0a\6a\76\2e\c9\c2\81\85\2c\72\92"
    "\a1\e8\bf\a2\4b\66\1a\a8\70\8b\4b\c2\a3\51\6c\c7\19\e8\92\d1\24\06\99\d6\85\35\0e\f4\70\a0\6a\10"
    "\16\c1\a4\19\08\6c\37\1e\4c\77\48\27\b5\bc\b0\34\b3\0c\1c\39\4a\aa\d8\4e\4f\ca\9c\5b\f3\6f\2e\68"
    "\ee\82\8f\74\6f\63\a5\78\14\78\c8\84\08\02\c7\8c\fa\ff\be\90\eb\6c\50\a4\f7\a3\f9\be\f2\78\71\c6"
  )

  ;; Memory is little-endian; SHA-256 reads and writes big-endian words.
  (func $swap (param $x i32) (result i32)
    (i32.or
      (i32.and (i32.rotl (local.get $x) (i32.const 8)) (i32.const 0x00ff00ff))
      (i32.and (i32.rotr (local.get $x) (i32.const 8)) (i32.const 0xff00ff00))))

;; One 64-byte block at $block into the state at 512..544 (native-endian words). A function of its own so that
  ;; V8 can switch to its optimised code between blocks: a single long call would run start to end in the baseline tier.
  (func $compress (param $block i32)
    (local $i i32) (local $w i32) (local $t1 i32) (local $t2 i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $f i32) (local $g i32) (local $h i32)
    ;; Schedule: the block's 16 words, then 48 more from them.
    (loop $copy
      (i32.store (i32.add (i32.const 256) (local.get $i))
        (call $swap (i32.load (i32.add (local.get $block) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $copy (i32.lt_u (local.get $i) (i32.const 64))))
    (loop $expand
      (local.set $w (i32.load (i32.add (i32.const 196) (local.get $i))))
      (local.set $t1 (i32.xor (i32.xor (i32.rotr (local.get $w) (i32.const 7)) (i32.rotr (local.get $w) (i32.const 18)))
        (i32.shr_u (local.get $w) (i32.const 3))))
      (local.set $w (i32.load (i32.add (i32.const 248) (local.get $i))))
      (local.set $t2 (i32.xor (i32.xor (i32.rotr (local.get $w) (i32.const 17)) (i32.rotr (local.get $w) (i32.const 19)))
        (i32.shr_u (local.get $w) (i32.const 10))))
      (i32.store (i32.add (i32.const 256) (local.get $i))
        (i32.add (i32.add (i32.load (i32.add (i32.const 192) (local.get $i))) (local.get $t1))
          (i32.add (i32.load (i32.add (i32.const 228) (local.get $i))) (local.get $t2))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $expand (i32.lt_u (local.get $i) (i32.const 256))))

    (local.set $a (i32.load (i32.const 512))) (local.set $b (i32.load (i32.const 516)))
    (local.set $c (i32.load (i32.const 520))) (local.set $d (i32.load (i32.const 524)))
    (local.set $e (i32.load (i32.const 528))) (local.set $f (i32.load (i32.const 532)))
    (local.set $g (i32.load (i32.const 536))) (local.set $h (i32.load (i32.const 540)))
    (local.set $i (i32.const 0))
    (loop $rounds
      ;; t1 = h + Σ1(e) + Ch(e, f, g) + K[i] + W[i]
      (local.set $t1 (i32.add
        (i32.add (local.get $h)
          (i32.xor (i32.xor (i32.rotr (local.get $e) (i32.const 6)) (i32.rotr (local.get $e) (i32.const 11)))
            (i32.rotr (local.get $e) (i32.const 25))))
        (i32.add
          (i32.xor (i32.and (local.get $e) (local.get $f)) (i32.and (i32.xor (local.get $e) (i32.const -1)) (local.get $g)))
          (i32.add (i32.load (local.get $i)) (i32.load (i32.add (i32.const 256) (local.get $i)))))))
      ;; t2 = Σ0(a) + Maj(a, b, c)
      (local.set $t2 (i32.add
        (i32.xor (i32.xor (i32.rotr (local.get $a) (i32.const 2)) (i32.rotr (local.get $a) (i32.const 13)))
          (i32.rotr (local.get $a) (i32.const 22)))
        (i32.xor (i32.xor (i32.and (local.get $a) (local.get $b)) (i32.and (local.get $a) (local.get $c)))
          (i32.and (local.get $b) (local.get $c)))))
      (local.set $h (local.get $g)) (local.set $g (local.get $f)) (local.set $f (local.get $e))
      (local.set $e (i32.add (local.get $d) (local.get $t1)))
      (local.set $d (local.get $c)) (local.set $c (local.get $b)) (local.set $b (local.get $a))
      (local.set $a (i32.add (local.get $t1) (local.get $t2)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $rounds (i32.lt_u (local.get $i) (i32.const 256))))

    (i32.store (i32.const 512) (i32.add (i32.load (i32.const 512)) (local.get $a)))
    (i32.store (i32.const 516) (i32.add (i32.load (i32.const 516)) (local.get $b)))
    (i32.store (i32.const 520) (i32.add (i32.load (i32.const 520)) (local.get $c)))
    (i32.store (i32.const 524) (i32.add (i32.load (i32.const 524)) (local.get $d)))
    (i32.store (i32.const 528) (i32.add (i32.load (i32.const 528)) (local.get $e)))
    (i32.store (i32.const 532) (i32.add (i32.load (i32.const 532)) (local.get $f)))
    (i32.store (i32.const 536) (i32.add (i32.load (i32.const 536)) (local.get $g)))
    (i32.store (i32.const 540) (i32.add (i32.load (i32.const 540)) (local.get $h))))

  (func (export "digest") (param $length i32)
    (local $end i32) (local $block i32) (local $i i32)
    ;; Padding: 0x80, zeros up to 8 bytes short of a 64-byte boundary, then the length in bits as a 64-bit big-endian number.
    (local.set $end (i32.add (i32.const 1024) (local.get $length)))
    (i32.store8 (local.get $end) (i32.const 0x80))
    (local.set $block (i32.add (i32.const 1024) (i32.and (i32.add (local.get $length) (i32.const 72)) (i32.const -64))))
    (memory.fill (i32.add (local.get $end) (i32.const 1)) (i32.const 0)
      (i32.sub (i32.sub (local.get $block) (i32.const 8)) (i32.add (local.get $end) (i32.const 1))))
    (i32.store (i32.sub (local.get $block) (i32.const 8)) (call $swap (i32.shr_u (local.get $length) (i32.const 29))))
    (i32.store (i32.sub (local.get $block) (i32.const 4)) (call $swap (i32.shl (local.get $length) (i32.const 3))))
    (local.set $end (local.get $block))

    (i32.store (i32.const 512) (i32.const 0x6a09e667)) (i32.store (i32.const 516) (i32.const 0xbb67ae85))
    (i32.store (i32.const 520) (i32.const 0x3c6ef372)) (i32.store (i32.const 524) (i32.const 0xa54ff53a))
    (i32.store (i32.const 528) (i32.const 0x510e527f)) (i32.store (i32.const 532) (i32.const 0x9b05688c))
    (i32.store (i32.const 536) (i32.const 0x1f83d9ab)) (i32.store (i32.const 540) (i32.const 0x5be0cd19))
    (local.set $block (i32.const 1024))
    (loop $blocks
      (call $compress (local.get $block))
      (local.set $block (i32.add (local.get $block) (i32.const 64)))
      (br_if $blocks (i32.lt_u (local.get $block) (local.get $end))))

    ;; The digest, big-endian, where the caller reads it.
    (local.set $i (i32.const 512))
    (loop $out
      (i32.store (local.get $i) (call $swap (i32.load (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $out (i32.lt_u (local.get $i) (i32.const 544)))))
)
