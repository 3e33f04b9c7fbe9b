import COpenBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// OpenBLAS, loaded with `dlopen` at the first matrix product or LAPACK call rather than linked:
/// start-up pays nothing for its relocations, its initialisation and its threads, and a session
/// that never multiplies matrices never starts them.
///
/// OpenBLAS chooses its kernels when it loads, from the CPU model or from `OPENBLAS_CORETYPE`.
/// Debian's OpenBLAS 0.3.21 does not know recent Intel CPUs (e.g. Emerald Rapids) and falls back
/// to its generic "Prescott" SSE3 kernels, 3–5× slower for matrix products, so on Intel CPUs,
/// before loading it, we set `OPENBLAS_CORETYPE` from the CPU's vector extensions (SkylakeX with
/// AVX-512 F and DQ, Haswell with AVX2 and FMA): the float64 kernels OpenBLAS uses on every Intel
/// CPU that has them (which needs no re-execution, as when the kernels were chosen after a first
/// load). Other CPUs (AMD's Zen…) keep OpenBLAS's own choice. A `OPENBLAS_CORETYPE` of the
/// user's is kept, and `LOSS_NO_BLAS_REEXEC` (any value) leaves the choice to OpenBLAS.
/// `LOSS_OPENBLAS_LIBRARY` names another library file to load (tests).
public enum BLAS {
    /// The routines used, resolved once.
    struct Functions {
        let ddot: loss_ddot_fn
        let dgemv: loss_dgemv_fn
        let dgemm: loss_dgemm_fn
        let dsyrk: loss_dsyrk_fn
        let dgesv: loss_dgesv_fn
        let dgetrf: loss_dgetrf_fn
        let dgetri: loss_dgetri_fn
        let dgelsd: loss_dgelsd_fn
        let dgesvd: loss_dgesvd_fn
        let corename: loss_corename_fn?
    }

    #if os(macOS)
    static let defaultLibrary = "libopenblas.dylib"
    #else
    static let defaultLibrary = "libopenblas.so.0"
    #endif

    /// The kernel set to ask OpenBLAS for on this CPU, or nil to let it choose.
    public static func preferredCoreType() -> String? {
        let features = loss_cpu_vector_features()
        guard features & 4 != 0 else { return nil }   // Intel only
        if features & 2 != 0 { return "SkylakeX" }
        if features & 1 != 0 { return "Haswell" }
        return nil
    }

    /// Sets `OPENBLAS_CORETYPE` for the library to read when it loads (see above), unless the user
    /// chose. Idempotent; `loss` calls it at start-up, before any other thread runs (setenv is not
    /// thread-safe), and loading calls it again for other hosts of LossCore (tests).
    public static func chooseKernels() {
        guard getenv("OPENBLAS_CORETYPE") == nil, getenv("LOSS_NO_BLAS_REEXEC") == nil,
              let core = preferredCoreType() else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
    }

    /// The library, loaded once (a global's lazy initialisation is thread-safe), or why not.
    static let loaded: Result<Functions, CoreError> = load()

    static func load() -> Result<Functions, CoreError> {
        chooseKernels()
        let path = getenv("LOSS_OPENBLAS_LIBRARY").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? defaultLibrary
        let hint = "matrix products and linear algebra need OpenBLAS: install it (Debian and Ubuntu: apt-get install libopenblas0)"
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let why = dlerror().map { String(cString: $0) } ?? "\(path) was not found"
            return .failure(CoreError("OpenBLAS could not be loaded (\(why))", hint: hint))
        }
        var missing: [String] = []
        func symbol<T>(_ name: String, _ type: T.Type) -> T? {
            guard let p = dlsym(handle, name) else { missing.append(name); return nil }
            return unsafeBitCast(p, to: type)
        }
        let ddot = symbol("cblas_ddot", loss_ddot_fn.self)
        let dgemv = symbol("cblas_dgemv", loss_dgemv_fn.self)
        let dgemm = symbol("cblas_dgemm", loss_dgemm_fn.self)
        let dsyrk = symbol("cblas_dsyrk", loss_dsyrk_fn.self)
        let dgesv = symbol("dgesv_", loss_dgesv_fn.self)
        let dgetrf = symbol("dgetrf_", loss_dgetrf_fn.self)
        let dgetri = symbol("dgetri_", loss_dgetri_fn.self)
        let dgelsd = symbol("dgelsd_", loss_dgelsd_fn.self)
        let dgesvd = symbol("dgesvd_", loss_dgesvd_fn.self)
        let corename = dlsym(handle, "openblas_get_corename").map { unsafeBitCast($0, to: loss_corename_fn.self) }
        guard let ddot, let dgemv, let dgemm, let dsyrk, let dgesv, let dgetrf, let dgetri, let dgelsd, let dgesvd else {
            return .failure(CoreError("\(path) lacks the BLAS and LAPACK routines \(missing.joined(separator: ", "))", hint: hint))
        }
        return .success(Functions(ddot: ddot, dgemv: dgemv, dgemm: dgemm, dsyrk: dsyrk, dgesv: dgesv, dgetrf: dgetrf,
                                  dgetri: dgetri, dgelsd: dgelsd, dgesvd: dgesvd, corename: corename))
    }

    /// The routines; an error naming `what` when OpenBLAS cannot be loaded.
    @inline(__always)
    static func functions(_ what: String) throws -> Functions {
        switch loaded {
        case .success(let f): return f
        case .failure(let e): throw CoreError("\(what): \(e.message)", hint: e.hint)
        }
    }

    /// The kernel set OpenBLAS chose (`openblas_get_corename`, e.g. "Haswell"), loading it; nil
    /// when it cannot be loaded or does not say.
    public static func coreName() -> String? {
        guard case .success(let f) = loaded, let name = f.corename?() else { return nil }
        return String(cString: name)
    }
}
