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
    ],
    targets: [
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS"),
        .systemLibrary(name: "CCmarkGFM", path: "Sources/CCmarkGFM"),
        .target(name: "LossCore", dependencies: ["COpenBLAS"]),
        // exclusivity is checked statically; the dynamic checks cost the interpreter ~20%
        .target(name: "LossLang", dependencies: ["LossCore"], swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]),
        .target(name: "LossNotebook", dependencies: ["LossLang", "LossCore", "CCmarkGFM"]),
        .executableTarget(name: "loss", dependencies: ["LossLang", "LossNotebook", "CReadline",
                                                       .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "LossCoreTests", dependencies: ["LossCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LossLangTests", dependencies: ["LossLang", "LossCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LossNotebookTests", dependencies: ["LossNotebook", "LossLang"]),
        .testTarget(name: "CLITests", dependencies: ["loss"]),
    ],
    swiftLanguageModes: [.v5]
)
