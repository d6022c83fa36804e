/* Tessera backend ABI: the versioned C interface a device backend implements.
 *
 * A backend is a shared library exporting one symbol:
 *     const tessera_backend* tessera_backend_init(uint32_t runtime_abi_version);
 * It returns NULL when it cannot serve that ABI version (the runtime then refuses it with a clear
 * message). The returned table stays valid until its shutdown() is called.
 *
 * Tensors are described, not owned: a tessera_tensor names device memory, a dtype and a row-major
 * shape (shape[0] outermost, shape[n_dims-1] innermost, as in NumPy). Strides are in bytes; the
 * innermost dimension is always contiguous (for block-quantized types a row is a whole number of
 * blocks).
 *
 * Kernels are listed in an open table keyed by (op, input dtypes, output dtype, layout). An op whose
 * key is absent is unsupported on that backend; the runtime reports it, never guesses.
 */
#ifndef TESSERA_BACKEND_ABI_H
#define TESSERA_BACKEND_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TESSERA_BACKEND_ABI_VERSION 2u
#define TESSERA_MAX_DIMS 4
#define TESSERA_MAX_INPUTS 8

typedef enum tessera_status {
  TESSERA_STATUS_OK = 0,
  TESSERA_STATUS_UNSUPPORTED = 1,
  TESSERA_STATUS_INVALID_ARGUMENT = 2,
  TESSERA_STATUS_OUT_OF_MEMORY = 3,
  TESSERA_STATUS_DEVICE_ERROR = 4
} tessera_status;

/* Element types. Values equal the GGUF/ggml type ids so files map without a table. */
typedef enum tessera_dtype {
  TESSERA_DTYPE_F32 = 0,
  TESSERA_DTYPE_F16 = 1,
  TESSERA_DTYPE_Q4_0 = 2,
  TESSERA_DTYPE_Q4_1 = 3,
  TESSERA_DTYPE_Q5_0 = 6,
  TESSERA_DTYPE_Q5_1 = 7,
  TESSERA_DTYPE_Q8_0 = 8,
  TESSERA_DTYPE_Q4_K = 12,
  TESSERA_DTYPE_Q5_K = 13,
  TESSERA_DTYPE_Q6_K = 14,
  TESSERA_DTYPE_I8 = 24,
  TESSERA_DTYPE_I16 = 25,
  TESSERA_DTYPE_I32 = 26,
  TESSERA_DTYPE_I64 = 27,
  TESSERA_DTYPE_F64 = 28,
  TESSERA_DTYPE_BF16 = 30,
  TESSERA_DTYPE_NONE = -1 /* unused input slot in a kernel key */
} tessera_dtype;

typedef struct tessera_tensor {
  void* data;                          /* device address of element [0,0,0,0] */
  int32_t dtype;                       /* tessera_dtype */
  int32_t n_dims;                      /* 1..TESSERA_MAX_DIMS */
  int64_t shape[TESSERA_MAX_DIMS];     /* row-major, outermost first */
  int64_t stride[TESSERA_MAX_DIMS];    /* bytes between consecutive indices of each dim */
} tessera_tensor;

typedef enum tessera_op {
  TESSERA_OP_GET_ROWS = 1,  /* in: table [n_rows, n], ids I32 [m]           out: [m, n] F32 */
  TESSERA_OP_SET_ROWS = 2,  /* in: rows [m, n] F32, ids I32 [m]             out (in place): table [n_rows, n] */
  TESSERA_OP_MATMUL = 3,    /* in: weight [n_out, n_in], x F32 [m, n_in]    out: F32 [m, n_out] = x @ weight^T */
  TESSERA_OP_ADD = 4,       /* in: a [.., n], b [.., n] (b broadcast)       out: a + b */
  TESSERA_OP_MUL = 5,       /* in: a [.., n], b [.., n] (b broadcast)       out: a * b */
  TESSERA_OP_SCALE = 6,     /* in: a                                        out: a * params.scale */
  TESSERA_OP_RMS_NORM = 7,  /* in: x [m, n], weight [n] (optional)          out: x / rms(x) * weight */
  TESSERA_OP_ROPE = 8,      /* in: x [m, n_head, head_dim], positions I32 [m] out: rotated x */
  TESSERA_OP_SOFTMAX = 9,   /* in: x [m, n]                                 out: softmax(x * scale) over n */
  TESSERA_OP_SILU = 10,     /* in: x                                        out: x * sigmoid(x) */
  TESSERA_OP_GELU = 11,     /* in: x                                        out: gelu(x) (tanh form) */
  TESSERA_OP_SWIGLU = 12,   /* in: gate [m, n], up [m, n]                   out: silu(gate) * up */
  TESSERA_OP_ATTENTION = 13 /* causal attention over a paged KV cache, see tessera_attention_params */
} tessera_op;
#define TESSERA_OP_COUNT 14

typedef enum tessera_rope_mode {
  TESSERA_ROPE_NORMAL = 0, /* rotates adjacent pairs (x[2i], x[2i+1]): GGUF llama layout */
  TESSERA_ROPE_NEOX = 1    /* rotates halves (x[i], x[i + n_rot/2]): HF/NeoX layout */
} tessera_rope_mode;

typedef struct tessera_rope_params {
  int32_t mode;            /* tessera_rope_mode */
  int32_t n_rot;           /* leading dims of each head that rotate; the rest pass through */
  float freq_base;         /* theta, e.g. 10000 */
  float freq_scale;        /* linear position scaling: position * freq_scale */
  const float* freq_factors; /* optional [n_rot/2] divisors of each frequency (Llama-3 rope scaling); may be NULL */
} tessera_rope_params;

/* Attention inputs, in order:
 *   0 q            F32 [n_tokens, n_head, head_dim]
 *   1 k_cache      F32|F16 [n_blocks, block_size, n_kv_head, head_dim]
 *   2 v_cache      F32|F16 [n_blocks, block_size, n_kv_head, head_dim]
 *   3 block_table  I32 [n_seqs, max_blocks_per_seq]: physical block of each logical block
 *   4 token_seq    I32 [n_tokens]: row of block_table each query token belongs to
 *   5 token_pos    I32 [n_tokens]: position of each query token; it attends to positions 0..pos
 * output F32 [n_tokens, n_head, head_dim]. n_head must be a multiple of n_kv_head (GQA). */
typedef struct tessera_attention_params {
  float scale; /* usually 1/sqrt(head_dim) */
} tessera_attention_params;

typedef union tessera_op_params {
  float scale;                         /* SCALE, SOFTMAX */
  float epsilon;                       /* RMS_NORM */
  tessera_rope_params rope;            /* ROPE */
  tessera_attention_params attention;  /* ATTENTION */
  uint8_t reserved[64];
} tessera_op_params;

typedef struct tessera_op_call {
  int32_t op;                          /* tessera_op */
  int32_t n_inputs;
  tessera_tensor inputs[TESSERA_MAX_INPUTS];
  tessera_tensor output;
  tessera_op_params params;
} tessera_op_call;

/* Weight layouts. A backend may repack a weight at load time into a layout of its own; kernels
 * keyed with that layout then read it. TESSERA_LAYOUT_PLAIN is the GGUF row layout. */
#define TESSERA_LAYOUT_PLAIN 0

typedef tessera_status (*tessera_kernel_fn)(void* stream, const tessera_op_call* call);

typedef struct tessera_kernel_entry {
  int32_t op;                                  /* tessera_op */
  int32_t input_dtypes[TESSERA_MAX_INPUTS];    /* TESSERA_DTYPE_NONE past the last input */
  int32_t output_dtype;
  int32_t layout;                              /* layout of input 0 */
  tessera_kernel_fn run;
  const char* name;                            /* for reports: "matmul_q4_0_f32_avx2" */
} tessera_kernel_entry;

typedef enum tessera_device_kind {
  TESSERA_DEVICE_CPU = 0,
  TESSERA_DEVICE_GPU = 1,
  TESSERA_DEVICE_NPU = 2
} tessera_device_kind;

typedef struct tessera_device_info {
  char name[128];          /* e.g. "AMD EPYC (avx512, vnni)" */
  int32_t kind;            /* tessera_device_kind */
  int32_t host_accessible; /* 1 when device memory is host memory (host pointers can be passed directly) */
  uint64_t memory_bytes;
} tessera_device_info;

typedef struct tessera_backend {
  uint32_t abi_version;    /* TESSERA_BACKEND_ABI_VERSION the backend was built for */
  const char* name;        /* short name: "cpu", "cuda", "null" */
  void* context;           /* passed back to every function below */

  int32_t (*device_count)(void* context);
  tessera_status (*device_info)(void* context, int32_t device, tessera_device_info* info);

  tessera_status (*buffer_allocate)(void* context, int32_t device, uint64_t size, void** data);
  void (*buffer_free)(void* context, int32_t device, void* data);

  /* Streams order work on one device. Kernels and copies take a stream. */
  tessera_status (*stream_create)(void* context, int32_t device, void** stream);
  void (*stream_destroy)(void* context, void* stream);
  tessera_status (*stream_synchronize)(void* context, void* stream);
  tessera_status (*copy_to_device)(void* context, void* stream, void* device_data, const void* host_data,
                                   uint64_t size);
  tessera_status (*copy_to_host)(void* context, void* stream, void* host_data, const void* device_data,
                                 uint64_t size);

  /* Settings by name, e.g. ("threads", "4"). Unknown names return TESSERA_STATUS_UNSUPPORTED. */
  tessera_status (*configure)(void* context, const char* key, const char* value);

  /* The kernel table: kernel_count entries, valid until shutdown. */
  uint32_t kernel_count;
  const tessera_kernel_entry* kernels;

  /* Optional (NULL when absent): offers a weight that `op` will read as input 0. A backend with a
   * faster layout of its own for it allocates a buffer (released with buffer_free), writes the weight
   * there, returns TESSERA_STATUS_OK with *packed describing it (same dtype and shape) and *layout set
   * to the layout its kernels for that op are keyed with. TESSERA_STATUS_UNSUPPORTED: keep the plain
   * layout. The plain weight is not needed afterwards. */
  tessera_status (*pack_weight)(void* context, int32_t device, int32_t op, const tessera_tensor* weight,
                                int32_t* layout, tessera_tensor* packed);

  /* Message for the last failed call on this thread, or "". */
  const char* (*last_error)(void* context);
  void (*shutdown)(void* context);
} tessera_backend;

typedef const tessera_backend* (*tessera_backend_init_fn)(uint32_t runtime_abi_version);

#ifdef __cplusplus
}
#endif

#endif /* TESSERA_BACKEND_ABI_H */
