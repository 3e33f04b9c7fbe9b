// swift-tools-version:6.0
import PackageDescription


let package = Package(
    name: "loss",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "loss", targets: ["loss"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // HMAC-SHA256 signatures of Jupyter messages (LossKernel)
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .systemLibrary(name: "CCmarkGFM", path: "Sources/CCmarkGFM"),
        .systemLibrary(name: "CZMQ", path: "Sources/CZMQ", providers: [.apt(["libzmq3-dev"])]),
        // optimised in debug builds too: its SIMD kernels (VecMath) are ~50× slower unoptimised
        .target(name: "LossCore", dependencies: ["COpenBLAS"], swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // exclusivity is checked statically; the dynamic checks cost the interpreter ~20%
        .target(name: "LossLang", dependencies: ["LossCore"], swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        .target(name: "LossNotebook", dependencies: ["LossLang", "LossCore", "CCmarkGFM"]),
        .target(name: "LossKernel", dependencies: ["LossLang", "LossNotebook", "CZMQ", .product(name: "Crypto", package: "swift-crypto")],
                exclude: ["Logo"]),
        // release: the Swift runtime and Foundation linked in (start-up: no dynamic linking of a dozen
        // Swift libraries); debug and the test bundles (which link this target too) stay dynamic
        .executableTarget(name: "loss", dependencies: ["LossLang", "LossNotebook", "LossKernel", "CReadline",
                                                       .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))],
                          linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xclang-linker", "-no-pie"], .when(configuration: .release))]),
        .testTarget(name: "LossCoreTests", dependencies: ["LossCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LossLangTests", dependencies: ["LossLang", "LossCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LossNotebookTests", dependencies: ["LossNotebook", "LossLang"]),
        .testTarget(name: "CLITests", dependencies: ["loss"]),
        .testTarget(name: "LossKernelTests", dependencies: ["LossKernel", "LossLang", "LossNotebook"]),
    ],
    swiftLanguageModes: [.v5]
)
