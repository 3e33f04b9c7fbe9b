// swift-tools-version:6.0
import PackageDescription


let package = Package(
    name: "loss",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "loss", targets: ["loss"]),
    ],
    dependencies: [
        // HMAC-SHA256 signatures of Jupyter messages (LossKernel)
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .systemLibrary(name: "CZMQ", path: "Sources/CZMQ", providers: [.apt(["libzmq3-dev"])]),
        .target(name: "LossCore", dependencies: ["COpenBLAS"]),
        // exclusivity is checked statically; the dynamic checks cost the interpreter ~20%
        .target(name: "LossLang", dependencies: ["LossCore"], swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        .target(name: "LossNotebook", dependencies: ["LossLang", "LossCore"]),
        .target(name: "LossKernel", dependencies: ["LossLang", "LossNotebook", "CZMQ", .product(name: "Crypto", package: "swift-crypto")],
                exclude: ["Logo"]),
        .executableTarget(name: "loss", dependencies: ["LossLang", "LossNotebook", "LossKernel", "CReadline"]),
        .testTarget(name: "LossCoreTests", dependencies: ["LossCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LossLangTests", dependencies: ["LossLang", "LossCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LossNotebookTests", dependencies: ["LossNotebook", "LossLang"]),
        .testTarget(name: "CLITests", dependencies: ["loss"]),
        .testTarget(name: "LossKernelTests", dependencies: ["LossKernel", "LossLang", "LossNotebook"]),
    ],
    swiftLanguageModes: [.v5]
)
