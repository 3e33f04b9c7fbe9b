import XCTest
@testable import LossKernel

/// Signing and framing of messages, without sockets. HMAC values are RFC 4231's test vectors
/// and Python's `hmac.new(key, msg, hashlib.sha256).hexdigest()` (what jupyter_client computes).
final class WireTests: XCTestCase {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    func testHMACMatchesRFC4231() {
        let s1 = HMACSigner(key: String(repeating: "\u{0B}", count: 20))
        XCTAssertEqual(s1.signature(of: [bytes("Hi There")]), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        let s2 = HMACSigner(key: "Jefe")
        XCTAssertEqual(s2.signature(of: [bytes("what do ya "), bytes("want for nothing?")]),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    func testSignatureCoversTheFourParts() {
        // python3: hmac.new(b'secret-key', b'{"msg_type":"x"}' + b'{}' + b'{}' + b'{"code":"1"}', hashlib.sha256).hexdigest()
        let s = HMACSigner(key: "secret-key")
        let parts = [bytes(#"{"msg_type":"x"}"#), bytes("{}"), bytes("{}"), bytes(#"{"code":"1"}"#)]
        XCTAssertEqual(s.signature(of: parts), "19dbf66f103deffd4a4c64a438952da079fcb3d6d1ce0090086ae0a60ab3ff3c")
        XCTAssertTrue(s.verify(bytes("19dbf66f103deffd4a4c64a438952da079fcb3d6d1ce0090086ae0a60ab3ff3c"), of: parts))
        XCTAssertFalse(s.verify(bytes("19dbf66f103deffd4a4c64a438952da079fcb3d6d1ce0090086ae0a60ab3ff3d"), of: parts))
        XCTAssertFalse(s.verify(bytes("19DBF66F103DEFFD4A4C64A438952DA079FCB3D6D1CE0090086AE0A60AB3FF3C"), of: parts))
        XCTAssertFalse(s.verify(bytes("19dbf66f"), of: parts))
        XCTAssertFalse(s.verify([], of: parts))
    }

    func testConstantTimeEqual() {
        XCTAssertTrue(HMACSigner.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(HMACSigner.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(HMACSigner.constantTimeEqual([9, 2, 3], [1, 2, 3]))
        XCTAssertFalse(HMACSigner.constantTimeEqual([1, 2], [1, 2, 3]))
        XCTAssertTrue(HMACSigner.constantTimeEqual([], []))
    }

    func sample() -> Message {
        Message(identities: [bytes("client-1"), [0, 1, 2]],
                header: ["msg_id": "m1", "session": "s", "username": "u", "date": "2024-01-01T00:00:00.000Z",
                         "msg_type": "execute_request", "version": "5.3"],
                parentHeader: [:], metadata: [:], content: ["code": "1 + 1", "silent": false],
                buffers: [[0xFF, 0x00]])
    }

    func testEncodeDecodeRoundTrip() throws {
        let codec = WireCodec(signer: HMACSigner(key: "k"))
        let frames = codec.encode(sample())
        XCTAssertEqual(frames[0], bytes("client-1"))
        XCTAssertEqual(frames[2], bytes("<IDS|MSG>"))
        XCTAssertEqual(frames[3].count, 64)    // hex SHA-256
        XCTAssertEqual(frames.last, [0xFF, 0x00])
        let m = try codec.decode(frames).get()
        XCTAssertEqual(m.identities, [bytes("client-1"), [0, 1, 2]])
        XCTAssertEqual(m.type, "execute_request")
        XCTAssertEqual(m.id, "m1")
        XCTAssertEqual(m.content["code"]?.string, "1 + 1")
        XCTAssertEqual(m.buffers, [[0xFF, 0x00]])
    }

    func testTamperedOrForeignMessagesAreRejected() {
        let codec = WireCodec(signer: HMACSigner(key: "k"))
        var frames = codec.encode(sample())
        let d = frames.firstIndex(of: WireCodec.delimiter)!
        // the content changed after signing
        frames[d + 5] = bytes(#"{"code":"rm()"}"#)
        XCTAssertEqual(codec.decode(frames).failure, .badSignature)
        // signed with another key
        let other = WireCodec(signer: HMACSigner(key: "not-k")).encode(sample())
        XCTAssertEqual(codec.decode(other).failure, .badSignature)
        // unsigned
        let unsigned = WireCodec(signer: HMACSigner(key: "")).encode(sample())
        XCTAssertEqual(codec.decode(unsigned).failure, .badSignature)
        // no delimiter, too few frames
        XCTAssertEqual(codec.decode([bytes("a"), bytes("b")]).failure, .malformed("no <IDS|MSG> delimiter"))
        XCTAssertNotNil(codec.decode([WireCodec.delimiter, bytes("sig"), bytes("{}")]).failure)
    }

    func testBadJSONIsOnlyLookedAtOnceSigned() {
        let signer = HMACSigner(key: "k")
        let parts = [bytes("{not json"), bytes("{}"), bytes("{}"), bytes("{}")]
        let frames = [WireCodec.delimiter, bytes(signer.signature(of: parts))] + parts
        guard case .badJSON = WireCodec(signer: signer).decode(frames).failure else { return XCTFail("expected badJSON") }
        let noType = [bytes(#"{"msg_id":"x"}"#), bytes("{}"), bytes("{}"), bytes("{}")]
        let f2 = [WireCodec.delimiter, bytes(signer.signature(of: noType))] + noType
        XCTAssertEqual(WireCodec(signer: signer).decode(f2).failure, .malformed("the header has no msg_type"))
    }

    func testEmptyKeyMeansNoSigning() throws {
        let codec = WireCodec(signer: HMACSigner(key: ""))
        let frames = codec.encode(sample())
        XCTAssertEqual(frames[3], [])
        XCTAssertEqual(try codec.decode(frames).get().type, "execute_request")
    }

    func testConnectionFile() throws {
        let text = """
        {"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005,
         "ip": "127.0.0.1", "key": "abc", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "loss"}
        """
        let c = try ConnectionInfo(json: text)
        XCTAssertEqual(c.endpoint(.shell), "tcp://127.0.0.1:5001")
        XCTAssertEqual(c.endpoint(.heartbeat), "tcp://127.0.0.1:5005")
        XCTAssertEqual(c.key, "abc")
        let ipc = try ConnectionInfo(json: text.replacingOccurrences(of: "\"tcp\"", with: "\"ipc\"").replacingOccurrences(of: "127.0.0.1", with: "/tmp/k"))
        XCTAssertEqual(ipc.endpoint(.control), "ipc:///tmp/k-5004")
        XCTAssertThrowsError(try ConnectionInfo(json: text.replacingOccurrences(of: "hmac-sha256", with: "hmac-md5")))
        XCTAssertThrowsError(try ConnectionInfo(json: text.replacingOccurrences(of: "\"hb_port\": 5005,", with: "")))
        XCTAssertThrowsError(try ConnectionInfo(json: "not json"))
    }
}

extension Result {
    var failure: Failure? { if case .failure(let e) = self { return e }; return nil }
}
