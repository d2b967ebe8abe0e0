import Foundation
import HyperMeshSecurity
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// Names the certificate check that refused a server, after the verified connection failed.
///
/// Why a second look: BoringSSL reports every chain failure as one `CERTIFICATE_VERIFY_FAILED`,
/// without the reason, and AsyncHTTPClient offers no verification callback. So, only after a
/// refusal, the host opens one more TLS connection to the same address with verification off,
/// reads the certificate the server presents, closes it without sending anything, and compares
/// its validity period with the clock: outside it is `expired`, inside it is `untrusted`.
///
/// Not guaranteed: an expired intermediate (only the leaf is examined: that case reads
/// `untrusted`), and a server that answers the second connection differently from the first.
/// Nothing from the unverified connection reaches the extension but the name of the check.
enum TLSFailureDiagnosis {
    static func check(address: [UInt8], port: UInt16, serverName: String, timeout: Duration) async -> (check: OutboundHTTPFailure.TLSCheck, detail: String) {
        let untrusted = (OutboundHTTPFailure.TLSCheck.untrusted, "the certificate chain of '\(serverName)' does not lead to a trusted root")
        guard let leaf = try? await presentedCertificate(address: address, port: port, serverName: serverName, timeout: timeout) else {
            return untrusted
        }
        let now = time(nil)
        if now > leaf.notValidAfter {
            return (.expired, "the certificate of '\(serverName)' expired at \(Date(timeIntervalSince1970: TimeInterval(leaf.notValidAfter)))")
        }
        if now < leaf.notValidBefore {
            return (.expired, "the certificate of '\(serverName)' is not valid before \(Date(timeIntervalSince1970: TimeInterval(leaf.notValidBefore)))")
        }
        return untrusted
    }

    private static func presentedCertificate(address: [UInt8], port: UInt16, serverName: String, timeout: Duration) async throws -> NIOSSLCertificate? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        let handshake = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: Void.self)
        let hostName = NetworkAddressRange.addressBytes(serverName) == nil ? serverName : nil
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(Int64(max(1, timeout.components.seconds))))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: hostName))
                    try channel.pipeline.syncOperations.addHandler(HandshakeWatcher(promise: handshake))
                }
            }
            .connect(to: SocketAddress(ipAddress: NetworkAddressRange.text(of: address), port: Int(port))).get()
        defer { channel.close(promise: nil) }
        let deadline = channel.eventLoop.scheduleTask(in: .seconds(Int64(max(1, timeout.components.seconds)))) {
            handshake.fail(ChannelError.connectTimeout(.seconds(Int64(max(1, timeout.components.seconds)))))
        }
        defer { deadline.cancel() }
        try await handshake.futureResult.get()
        return try await channel.nioSSL_peerCertificate().get()
    }

    /// Completes `promise` when the TLS handshake completes (or fails with the channel).
    private final class HandshakeWatcher: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<Void>

        init(promise: EventLoopPromise<Void>) { self.promise = promise }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let event = event as? TLSUserEvent, case .handshakeCompleted = event { promise.succeed() }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            promise.fail(error)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            promise.fail(ChannelError.ioOnClosedChannel)
            context.fireChannelInactive()
        }
    }
}
