/* Shared-memory layout and fork-server wire protocol between the engine's addon and the runtime
 * linked into every target. This header is the single source of truth for both sides. */
#ifndef FUZZWB_SHM_H
#define FUZZWB_SHM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever the layout or the messages change; the handshake rejects a mismatch. */
#define FWB_PROTOCOL_VERSION 7u
#define FWB_SHM_MAGIC 0x46555A5A57423031ull /* "FUZZWB01" */

/* File descriptors the engine installs in the target before exec. Fixed numbers (as AFL does)
 * keep the target's own descriptors out of the way. The runtime moves the two pipes higher at
 * start (runtime.h, FWB_CHANNEL_FD_MIN) and closes the memfd once it is mapped. */
#define FWB_CTL_FD 200    /* engine -> fork server (and persistent child): commands */
#define FWB_STATUS_FD 201 /* fork server and children -> engine: status messages */
#define FWB_SHM_FD 202    /* the memfd holding struct fwb_shm and its regions */

/* Environment variable whose presence selects fork-server mode; its value is the protocol
 * version the engine speaks. */
#define FWB_ENV_FORKSERVER "FUZZWB_FORKSERVER"

/* A marker string compiled into the runtime so the engine can tell, before starting a binary,
 * whether it was linked with the runtime at all. */
#define FWB_RUNTIME_MARKER "FUZZWB_RUNTIME_MARKER_v1"

/* Sanitizer exit code the engine asks for through *SAN_OPTIONS, so "the sanitizer reported"
 * is told apart from "the harness called exit(1)". */
#define FWB_SANITIZER_EXITCODE 76

/* Before it SIGKILLs a child past its timeout or RSS limit, the engine sends it this signal and
 * gives it a short grace to print its stack. A real-time signal (SIGRTMAX - 2 on Linux), because
 * harnesses and the code under test do use SIGUSR1/SIGUSR2 (QEMU, JVMs, libFuzzer's own -handle_usr
 * flags), and real-time signals are allocated from SIGRTMIN up. */
#define FWB_DUMP_SIGNAL 62
#define FWB_DUMP_TIMEOUT 1u /* past the per-input timeout */
#define FWB_DUMP_RSS 2u     /* past the RSS limit */
/* Exit codes of a child that printed its stack on FWB_DUMP_SIGNAL (libFuzzer's defaults). */
#define FWB_TIMEOUT_EXITCODE 70
#define FWB_OOM_EXITCODE 71

/* ---- capacities (the engine may size the memfd larger; the header says what it chose) ---- */
#define FWB_MAX_MODULES 256
#define FWB_MODULE_PATH_MAX 512
#define FWB_DEFAULT_COUNTERS (1u << 20) /* 1 Mi edge counters */
#define FWB_CMP_SLOTS 4096              /* integer compare operand table */
#define FWB_MEMCMP_SLOTS 1024           /* memcmp/strcmp operand table */
#define FWB_MEMCMP_MAX 32               /* bytes kept of each memcmp operand */
#define FWB_MUTATE_ARENA (1u << 20)     /* parents and tokens of an in-target batch */

/* gcc's trace-pc has no guards: PCs are hashed into this many counters at the end of the
 * counter array, the owning PC of a slot recorded the first time it is hit. */
#define FWB_GCC_SLOTS (1u << 16)

/* PC table entry encoding: module index + 1 in the top 16 bits, module-relative PC below.
 * Zero means "no PC known for this counter". */
#define FWB_PC_MODULE_SHIFT 48
#define FWB_PC_OFFSET_MASK ((1ull << FWB_PC_MODULE_SHIFT) - 1)
#define FWB_PC_FUNC_ENTRY_BIT (1ull << 63) /* set when the pc-table flags mark a function entry */
#define FWB_PC_ENCODE(mod, off)                                                                    \
  ((((uint64_t)(mod) + 1) << FWB_PC_MODULE_SHIFT) | ((off) & FWB_PC_OFFSET_MASK))

struct fwb_module {
  char path[FWB_MODULE_PATH_MAX]; /* absolute path of the executable or shared object */
  uint64_t base;                  /* load base (dli_fbase) in the fork server's address space */
  uint32_t counter_start;         /* index of this module's first counter */
  uint32_t counter_count;         /* number of guards / counters of this module */
  uint32_t flags;                 /* FWB_MODULE_* */
  uint32_t reserved;
};

#define FWB_MODULE_PC_TABLE 1u /* the module provided a pc-table (clang) */
#define FWB_MODULE_GCC 2u      /* PCs are hashed (gcc trace-pc) */
#define FWB_MODULE_DLOPEN 4u   /* registered after the fork server started (in a child) */

struct fwb_cmp_slot {
  uint64_t arg1;
  uint64_t arg2;
  uint32_t size;  /* operand size in bytes: 1, 2, 4 or 8 */
  uint32_t flags; /* FWB_CMP_CONST when arg1 is a compile-time constant; bits 8-31: order */
  uint64_t pc;    /* absolute PC of the comparison (for dedup; not module-relative) */
};
#define FWB_CMP_CONST 1u
/* flags >> FWB_CMP_ORDER_SHIFT counts the compares recorded in the input so far (mod 2^24), so the
 * engine can tell the last compares before a parser gave up from the ones it passed. */
#define FWB_CMP_ORDER_SHIFT 8u
/* cmp_enabled value that also records a compare of equal operands into a slot still empty: the
 * engine clears the table for such a run, and a field equal to what the parser rejects (a length
 * of 0) is where the input stopped. */
#define FWB_CMP_EQUAL_TOO 2u

struct fwb_memcmp_slot {
  uint32_t len1, len2; /* bytes stored, at most FWB_MEMCMP_MAX each */
  uint64_t pc;
  uint8_t s1[FWB_MEMCMP_MAX];
  uint8_t s2[FWB_MEMCMP_MAX];
};

/* Header at offset 0 of the memfd. Offsets are from the start of the mapping. Fields written by
 * the engine are set before the target starts; fields written by the runtime are marked. */
struct fwb_shm {
  uint64_t magic;   /* engine: FWB_SHM_MAGIC */
  uint32_t version; /* engine: FWB_PROTOCOL_VERSION */
  uint32_t header_size;
  uint64_t total_size;

  /* input of the next execution */
  uint64_t input_offset;
  uint32_t input_capacity;
  uint32_t input_len; /* engine: length of the current input */

  /* edge counters, one byte each (saturating hit counts) */
  uint64_t counters_offset;
  uint32_t counters_capacity; /* includes the FWB_GCC_SLOTS tail */
  uint32_t counters_used;     /* runtime: guards handed out so far (excluding the gcc tail) */

  /* one uint64 per counter, FWB_PC_ENCODE'd; filled by the runtime from pc-tables (clang) or
   * on first hit (gcc) */
  uint64_t pcs_offset;

  /* module table */
  uint64_t modules_offset;
  uint32_t modules_capacity;
  uint32_t modules_count; /* runtime */

  /* comparison operands (trace-cmp); recorded only while cmp_enabled is non-zero */
  uint64_t cmp_offset;    /* struct fwb_cmp_slot[FWB_CMP_SLOTS] */
  uint64_t memcmp_offset; /* struct fwb_memcmp_slot[FWB_MEMCMP_SLOTS] */
  uint32_t cmp_enabled;   /* engine: 0 off, 1 on, FWB_CMP_EQUAL_TOO on with equal operands */
  uint32_t gcc_mode;      /* runtime: 1 when trace-pc (gcc) callbacks were seen */

  /* result of the current execution, written by the child before it reports DONE */
  uint32_t exec_seq; /* engine: sequence number of the current input */
  int32_t exec_ret;  /* runtime: LLVMFuzzerTestOneInput's return value */
  uint32_t done_seq; /* runtime: exec_seq of the last input that returned normally */

  /* runtime facts, filled before HELLO */
  uint32_t runtime_flags;  /* FWB_RT_* */
  uint32_t persistent_max; /* engine: inputs per child (1 = fork per input) */

  /* runtime: the child that took input running_seq, stored (running_pid first) before it runs
   * it; the engine kills and matches EXIT by this pid */
  int32_t running_pid;
  uint32_t running_seq;

  /* engine: why it asks running_pid for its stack (FWB_DUMP_*), stored (dump_reason last, with
   * release) before it sends FWB_DUMP_SIGNAL; dump_value is the timeout in ms or the child's
   * resident set in MiB, dump_limit the RSS limit in MiB */
  uint32_t dump_reason;
  uint32_t dump_value;
  uint32_t dump_limit;

  /* engine: FWB_LEAK_* bits, read by the child before each input */
  uint32_t leak_mode;
  /* runtime: the input that ended with done_seq (in a batch: the last one) made more allocations
   * than it freed; set only under FWB_LEAK_WATCH */
  uint32_t exec_leaky;
  /* runtime: 1 + the number of a channel descriptor that the target closed (or replaced), set
   * by the process that found it before it gives up without a word on the pipes; 0 while the
   * channel is whole. The engine reads and clears it when an input or the start ends badly. */
  uint32_t channel_lost;
  uint32_t reserved;

  /* engine: the accumulated coverage (one byte per counter: OR of the hit-count bucket bits ever
   * seen), which a child running mutants of its own compares each run with */
  uint64_t virgin_offset;
  /* struct fwb_mutate, then its arena */
  uint64_t mutate_offset;
  uint32_t mutate_capacity; /* bytes of the arena */
  uint32_t reserved2;
};

/* AFL's hit-count buckets, the bits of the virgin map: counts 1, 2, 3, 4-7, 8-15, 16-31, 32-127
 * and 128+ each map to one bit. The engine folds counters with them, and a child judging its own
 * mutants must fold them the same way. */
static inline uint8_t fwb_bucket_bit(uint8_t count) {
  return count == 0    ? 0
         : count == 1  ? 1
         : count == 2  ? 2
         : count == 3  ? 4
         : count < 8   ? 8
         : count < 16  ? 16
         : count < 32  ? 32
         : count < 128 ? 64
                       : 128;
}

/* A batch of mutants a persistent child makes and runs itself, as libFuzzer does in-process:
 * no hand-over per input, so a fast harness runs at its own speed. The engine fills it before
 * it sends RUN (count 0 means "run the input in shm", as without it). Before each run the child
 * writes the mutant to the input region and counts it in `done`, so a crash or a timeout leaves
 * its exact input behind; the batch ends early at the first mutant whose counters hold a bucket
 * bit the virgin map lacks, which the engine then merges as for any input. */
struct fwb_mutate {
  uint64_t seed;      /* engine: random state of this batch */
  uint32_t count;     /* engine: mutants to run; 0 = no batch */
  uint32_t len_limit; /* engine: a mutant may grow to max(its parent's length, len_limit) */
  uint32_t max_len;   /* engine: no mutant is longer (<= input_capacity) */
  uint32_t parents;   /* engine: inputs at the start of the arena, each u32 length + bytes */
  uint32_t tokens;    /* engine: dictionary tokens after them, the same encoding */
  uint32_t arena_len; /* engine: bytes of the arena in use */
  uint32_t done;      /* runtime: mutants started; the last one is in the input region */
  uint32_t found_new; /* runtime: the batch ended at a mutant with new coverage */
  /* engine: FWB_MUTATE_REPLAY runs the parents as they are, from parent `first` on, in order:
   * a batch of given inputs with no hand-over per input */
  uint32_t flags;
  uint32_t first;
  /* runtime: microseconds the last mutant ran (the scheduler weighs entries by their speed) */
  uint32_t last_us;
  /* engine: a mutant or replayed input that runs at least this long ends the batch, so the
   * engine can report the slow unit (0 = never) */
  uint32_t slow_ms;
  /* engine: parents with a list of the features they alone hold, after the tokens: u32 count,
   * then count u32 features (counter index * 8 + hit-count bucket 0..7), one list per parent in
   * order (libFuzzer's -reduce_inputs) */
  uint32_t owned;
  /* runtime: 1 + the parent the last mutant can replace: shorter, it holds every feature of the
   * parent's list (0 = none); the batch ends there as at new coverage */
  uint32_t reduced;
};
#define FWB_MUTATE_REPLAY 1u

#define FWB_RT_ASAN 1u        /* AddressSanitizer present */
#define FWB_RT_UBSAN 2u       /* UndefinedBehaviorSanitizer present */
#define FWB_RT_MSAN 4u        /* MemorySanitizer present */
#define FWB_RT_INIT_HOOK 8u   /* LLVMFuzzerInitialize was defined and ran */
#define FWB_RT_AFTER_FORK 16u /* fuzzwb_after_fork hook defined */

/* leak_mode bits. WATCH (set before the target starts; the addon may clear it between inputs)
 * makes the fork server count allocations and frees through the sanitizer's malloc hooks, each
 * child say in exec_leaky whether its input left more allocations than frees, also when run once
 * more (as libFuzzer decides that an input may leak), and a batch end at such an input. CHECK (set
 * for one input, which the addon runs in a fresh child) makes the child run LeakSanitizer's check
 * after the input: on a leak it prints LSan's report and exits FWB_SANITIZER_EXITCODE, no DONE. */
#define FWB_LEAK_WATCH 1u
#define FWB_LEAK_CHECK 2u

/* ---- wire protocol: fixed 16-byte messages (atomic pipe writes) ---- */
struct fwb_msg {
  uint32_t kind; /* FWB_CMD_* or FWB_MSG_* */
  int32_t pid;
  int32_t value; /* exit status (wait status) for EXIT, version for HELLO, count for RUN */
  uint32_t seq;  /* exec_seq the message refers to */
};

/* engine -> fork server / persistent child, on FWB_CTL_FD */
/* run the input in shm: read by the spare child (fork mode) or the persistent child; in
 * persistent mode the fork server reads it when no child lives and forks one for it */
#define FWB_CMD_RUN 1u
/* the child that reads it exits, and so does the fork server unless in persistent mode */
#define FWB_CMD_END 2u

/* fork server / child -> engine, on FWB_STATUS_FD */
#define FWB_MSG_HELLO 0x10u  /* fork server ready: pid = server pid, value = protocol version */
#define FWB_MSG_FORKED 0x11u /* persistent mode: a child was forked for seq: pid = child pid */
#define FWB_MSG_DONE 0x12u   /* the child finished input seq normally (value = return value) */
/* a child ended: pid, value = wait status (as from waitpid), seq = the input it took (0: none).
 * In fork mode it is not sent for a child that reported DONE. */
#define FWB_MSG_EXIT 0x13u
/* the fork server gives up and exits 2, after one line on stderr: pid = 0 and value = errno when
 * fork failed; pid = the last spare and value = its wait status when spares kept dying before
 * they took an input */
#define FWB_MSG_ERROR 0x14u

#ifdef __cplusplus
}
#endif

#endif /* FUZZWB_SHM_H */
