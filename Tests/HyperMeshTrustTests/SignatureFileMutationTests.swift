import Foundation
import HyperMeshTestSupport
import HyperMeshTrust
import Testing

/// `extension.sig` comes from someone else: any damage to it is a typed error or a signature that
/// does not verify, never a crash and never a false pass.
@Suite struct SignatureFileMutationTests {
    @Test func truncationsAndByteFlipsNeverVerifyFalselyOrCrash() throws {
        let ca = try DevelopmentCA.generate()
        let manifest = Data("{\"id\":\"org.tests.x\"}".utf8)
        let pem = Array(try PackageSignature.sign(manifest, key: ca.signingKey, chain: [ca.signingCertificate]).pemEncoded().utf8)
        var generator = SplitMix64(state: 42)
        var parsedAndValid = 0
        var candidates: [[UInt8]] = stride(from: 0, to: pem.count, by: 7).map { Array(pem[..<$0]) }
        for _ in 0..<400 {
            var mutated = pem
            let index = Int.random(in: 0..<mutated.count, using: &generator)
            mutated[index] = UInt8.random(in: 0...255, using: &generator)
            candidates.append(mutated)
        }
        for candidate in candidates {
            let text = String(decoding: candidate, as: UTF8.self)
            do {
                let signature = try PackageSignature(pemEncoded: text, source: "mutated")
                if signature.isValid(over: manifest) {
                    // Only a change that leaves the signature and the signer's key intact may
                    // still verify (e.g. whitespace, or the certificate's own signature bytes).
                    #expect(signature.signature == (try PackageSignature(pemEncoded: String(decoding: pem, as: UTF8.self), source: "x")).signature)
                    #expect(signature.signer.publicKey == ca.signingCertificate.publicKey)
                    parsedAndValid += 1
                }
            } catch {
                #expect([.signatureMalformed].contains(error.code))
            }
        }
        #expect(parsedAndValid < candidates.count / 2, "most mutations must be refused")
    }
}
