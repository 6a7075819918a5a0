package io.oth.remote.ssh;

import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.userauth.method.AuthMethod;
import net.schmizz.sshj.userauth.method.AuthPublickey;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The keys of a running ssh-agent ({@code SSH_AUTH_SOCK}), used without their private halves ever
 * leaving the agent: the agent signs each authentication request (the OpenSSH agent protocol,
 * draft-miller-ssh-agent).
 */
final class SshAgent {
    private static final byte REQUEST_IDENTITIES = 11;
    private static final byte IDENTITIES_ANSWER = 12;
    private static final byte SIGN_REQUEST = 13;
    private static final byte SIGN_RESPONSE = 14;
    private static final int RSA_SHA2_256 = 2;
    private static final int RSA_SHA2_512 = 4;
    /** The most a message from the agent may be: far more than any key list or signature; a hostile socket cannot fill memory. */
    static final int MAX_MESSAGE = 256 * 1024;
    /** Keys offered from one agent at most: a server refuses after a few failed keys anyway (MaxAuthTries). */
    static final int MAX_KEYS = 64;

    private final Path socket;

    private SshAgent(Path socket) {
        this.socket = socket;
    }

    /** The agent listening on {@code socket}, when it exists. */
    static Optional<SshAgent> at(Optional<Path> socket) {
        return socket.filter(Files::exists).map(SshAgent::new);
    }

    /**
     * One authentication method per key the agent holds whose public key blob {@code wanted}
     * accepts; none when the agent cannot be asked. A key of a type sshj does not know is skipped.
     */
    List<AuthMethod> authMethods(Predicate<byte[]> wanted) {
        List<AuthMethod> methods = new ArrayList<>();
        try {
            Buffer.PlainBuffer answer = call(new Buffer.PlainBuffer().putByte(REQUEST_IDENTITIES), IDENTITIES_ANSWER);
            long count = answer.readUInt32();
            for (long i = 0; i < count && i < MAX_KEYS; i++) {
                byte[] blob = answer.readBytes();
                answer.readString();
                if (!wanted.test(blob)) {
                    continue;
                }
                try {
                    methods.add(new AgentPublickey(new Buffer.PlainBuffer(blob).readPublicKey(), blob));
                } catch (Buffer.BufferException | RuntimeException e) {
                    // a key type sshj cannot use (a security key's, say): the agent's other keys still serve
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return methods;
    }

    private Buffer.PlainBuffer call(Buffer.PlainBuffer request, byte expected) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            byte[] body = request.getCompactData();
            ByteBuffer out = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteBuffer length = read(channel, 4);
            ByteBuffer reply = read(channel, length.getInt());
            byte[] bytes = new byte[reply.remaining()];
            reply.get(bytes);
            Buffer.PlainBuffer answer = new Buffer.PlainBuffer(bytes);
            byte type = answer.readByte();
            if (type != expected) {
                throw new IOException("ssh-agent answered " + type + " instead of " + expected);
            }
            return answer;
        } catch (Buffer.BufferException e) {
            throw new IOException("unreadable ssh-agent answer", e);
        }
    }

    private static ByteBuffer read(SocketChannel channel, int size) throws IOException {
        if (size < 0 || size > MAX_MESSAGE) {
            throw new IOException("ssh-agent sent a message of " + size + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("ssh-agent closed the connection");
            }
        }
        return buffer.flip();
    }

    /** Public-key authentication whose signature comes from the agent. */
    private final class AgentPublickey extends AuthPublickey {
        private final byte[] blob;

        AgentPublickey(PublicKey key, byte[] blob) {
            super(new PublicOnly(key));
            this.blob = blob;
        }

        @Override
        protected SSHPacket putSig(SSHPacket reqBuf) throws UserAuthException {
            try {
                String algorithm = requestedAlgorithm(reqBuf);
                int flags = switch (algorithm) {
                    case "rsa-sha2-256" -> RSA_SHA2_256;
                    case "rsa-sha2-512" -> RSA_SHA2_512;
                    default -> 0;
                };
                byte[] data = new Buffer.PlainBuffer().putString(params.getTransport().getSessionID()).putBuffer(reqBuf).getCompactData();
                Buffer.PlainBuffer answer = call(new Buffer.PlainBuffer().putByte(SIGN_REQUEST).putString(blob).putString(data).putUInt32(flags),
                        SIGN_RESPONSE);
                return (SSHPacket) reqBuf.putString(answer.readBytes());
            } catch (IOException e) {
                throw new UserAuthException("ssh-agent did not sign: " + e.getMessage(), e);
            }
        }

        /** The algorithm the request names: message, user, service, "publickey", TRUE, algorithm, key. */
        private String requestedAlgorithm(SSHPacket request) throws Buffer.BufferException {
            Buffer.PlainBuffer copy = new Buffer.PlainBuffer(request.getCompactData());
            copy.readByte();
            copy.readString();
            copy.readString();
            copy.readString();
            copy.readBoolean();
            return copy.readString();
        }

        @Override
        public String toString() {
            return "ssh-agent key";
        }
    }

    /** A key provider that knows only the public key: the private one stays in the agent. */
    private record PublicOnly(PublicKey key) implements KeyProvider {
        @Override
        public PrivateKey getPrivate() throws IOException {
            throw new IOException("the private key stays in ssh-agent");
        }

        @Override
        public PublicKey getPublic() {
            return key;
        }

        @Override
        public KeyType getType() {
            return KeyType.fromKey(key);
        }
    }

}
