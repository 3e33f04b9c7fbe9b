import Foundation
import COpenBLAS

/// Debian's OpenBLAS 0.3.21 does not know recent Intel CPUs (e.g. Emerald Rapids) and falls
/// back to its generic "Prescott" SSE3 kernels, 3–5× slower for matrix products. OpenBLAS picks
/// its kernels when the library loads, so when that happened and the user has not chosen
/// (`OPENBLAS_CORETYPE`), we set a kernel the CPU supports and re-execute ourselves once.
enum BLASTuning {
    static func selectKernels() {
        guard getenv("OPENBLAS_CORETYPE") == nil, getenv("LOSS_NO_BLAS_REEXEC") == nil,
              let namePtr = openblas_get_corename() else { return }
        let core = String(cString: namePtr).lowercased()
        guard core == "prescott" || core == "unknown" else { return }
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        let choice: String
        if flags.contains("avx512f") && flags.contains("avx512dq") { choice = "SkylakeX" }
        else if flags.contains("avx2") && flags.contains("fma") { choice = "Haswell" }
        else { return }
        setenv("OPENBLAS_CORETYPE", choice, 1)
        setenv("LOSS_NO_BLAS_REEXEC", "1", 1)  // never loop
        var cargs = CommandLine.arguments.map { strdup($0) }
        cargs.append(nil)
        execv("/proc/self/exe", &cargs)
        // exec failed: carry on with the slow kernels
    }
}
