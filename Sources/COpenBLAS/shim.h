// OpenBLAS is not linked: LossCore loads libopenblas.so.0 with dlopen at the first matrix product
// or LAPACK call (LossCore/BLAS.swift), so that start-up pays nothing for it and OpenBLAS's kernel
// choice (OPENBLAS_CORETYPE, read when the library loads) can be made first. This header only
// declares the types of the routines used, as function pointers (OpenBLAS's cblas.h, LP64).
#include <stddef.h>

typedef enum CBLAS_ORDER     {CblasRowMajor=101, CblasColMajor=102} CBLAS_ORDER;
typedef enum CBLAS_TRANSPOSE {CblasNoTrans=111, CblasTrans=112, CblasConjTrans=113, CblasConjNoTrans=114} CBLAS_TRANSPOSE;
typedef enum CBLAS_UPLO      {CblasUpper=121, CblasLower=122} CBLAS_UPLO;

typedef double (*loss_ddot_fn)(const int n, const double *x, const int incx, const double *y, const int incy);
typedef void (*loss_dgemv_fn)(const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE trans, const int m, const int n,
                              const double alpha, const double *a, const int lda, const double *x, const int incx,
                              const double beta, double *y, const int incy);
typedef void (*loss_dgemm_fn)(const enum CBLAS_ORDER order, const enum CBLAS_TRANSPOSE transA, const enum CBLAS_TRANSPOSE transB,
                              const int m, const int n, const int k, const double alpha, const double *a, const int lda,
                              const double *b, const int ldb, const double beta, double *c, const int ldc);
typedef void (*loss_dsyrk_fn)(const enum CBLAS_ORDER order, const enum CBLAS_UPLO uplo, const enum CBLAS_TRANSPOSE trans,
                              const int n, const int k, const double alpha, const double *a, const int lda,
                              const double beta, double *c, const int ldc);
typedef char *(*loss_corename_fn)(void);

// LAPACK routines bundled in libopenblas (lapacke.h is not installed): the Fortran entry points,
// column-major, LP64 integers. Character arguments are followed by gfortran's hidden length
// arguments (size_t, one per character argument, at the end).
typedef void (*loss_dgesv_fn)(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv, double *b, const int *ldb, int *info);
typedef void (*loss_dgetrf_fn)(const int *m, const int *n, double *a, const int *lda, int *ipiv, int *info);
typedef void (*loss_dgetri_fn)(const int *n, double *a, const int *lda, const int *ipiv, double *work, const int *lwork, int *info);
typedef void (*loss_dgelsd_fn)(const int *m, const int *n, const int *nrhs, double *a, const int *lda, double *b, const int *ldb,
                               double *s, const double *rcond, int *rank, double *work, const int *lwork, int *iwork, int *info);
typedef void (*loss_dgesvd_fn)(const char *jobu, const char *jobvt, const int *m, const int *n, double *a, const int *lda, double *s,
                               double *u, const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork, int *info,
                               size_t jobu_len, size_t jobvt_len);

// The CPU's vector extensions that the operating system has enabled (cpuid and xgetbv, as
// OpenBLAS's own checks): bit 0 AVX2 with FMA, bit 1 AVX-512 F and DQ, bit 2 an Intel CPU
// ("GenuineIntel"). 0 on other architectures.
#if defined(__x86_64__)
#include <cpuid.h>
static inline int loss_cpu_vector_features(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d)) return 0;
    int intel = b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e;   // "Genu" "ineI" "ntel"
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (!osxsave || !avx) return 0;
    unsigned int xlo, xhi;
    __asm__ volatile ("xgetbv" : "=a"(xlo), "=d"(xhi) : "c"(0));
    if ((xlo & 0x6) != 0x6) return 0;                      // the OS saves the SSE and AVX state
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    int out = intel ? 4 : 0;
    if (((b >> 5) & 1) && fma) out |= 1;                   // AVX2 and FMA
    if (((b >> 16) & 1) && ((b >> 17) & 1) && (xlo & 0xe6) == 0xe6) out |= 2;  // AVX-512 F, DQ; opmask and ZMM state
    return out;
}
#else
static inline int loss_cpu_vector_features(void) { return 0; }
#endif

// LossCore's number display (formatNumber) through snprintf, without Swift's variadic-argument
// machinery (String(format:)), whose first dynamic cast scans every protocol conformance of the
// program: ~1M instructions of a one-statement script's start-up. "%.0f" with fixed, else "%.*g";
// the decimal point is '.' whatever LC_NUMERIC says.
#include <stdio.h>
#include <string.h>
#include <locale.h>
static inline int loss_format_double(char *buf, size_t size, int precision, int fixed, double x) {
    int n = fixed ? snprintf(buf, size, "%.0f", x) : snprintf(buf, size, "%.*g", precision, x);
    if (n < 0 || (size_t)n >= size) return n;
    const char *dp = localeconv()->decimal_point;
    if (dp && dp[0] && strcmp(dp, ".") != 0) {
        char *at = strstr(buf, dp);
        if (at) {
            size_t len = strlen(dp);
            *at = '.';
            memmove(at + 1, at + len, strlen(at + len) + 1);
            n -= (int)(len - 1);
        }
    }
    return n;
}
