package io.oth.standin;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How the stand-in keeps an SSE-S3 object on disk: one or more <em>segments</em> (one for a plain
 * PUT, one per part for a multipart upload, which the store joins), each
 *
 * <pre>
 *   "OTHSSE\1\n"            8 bytes, the format
 *   plaintext length        8 bytes, big-endian
 *   sealed data key        60 bytes: a fresh 256-bit key sealed by the KMS key ({@link KmsKey#seal}),
 *                                    bound to the format, the length and the object's bucket/name
 *   chunks                 64 KiB of plaintext each (the last may be shorter, or empty for an empty
 *                          segment), AES-256-GCM under the data key, nonce = chunk number, the
 *                          associated data saying whether it is the last one, each with its 16-byte tag
 * </pre>
 *
 * Authenticated throughout: a changed byte, a reordered, dropped or appended chunk, a segment
 * moved to another object or opened with another KMS key fails instead of decrypting.
 */
final class ObjectCipher {
    static final byte[] MAGIC = "OTHSSE\1\n".getBytes(StandardCharsets.ISO_8859_1);
    static final int HEADER_BYTES = MAGIC.length + Long.BYTES + KmsKey.SEALED_BYTES;
    static final int CHUNK_BYTES = 64 * 1024;
    private static final int TAG_BYTES = 16;

    private final KmsKey kms;

    ObjectCipher(KmsKey kms) {
        this.kms = kms;
    }

    /** What a segment header says, once its data key has been unsealed. */
    record Segment(long plaintextLength, byte[] dataKey) {
        long storedLength() {
            return storedLength(plaintextLength);
        }

        static long storedLength(long plaintextLength) {
            long chunks = Math.max(1, (plaintextLength + CHUNK_BYTES - 1) / CHUNK_BYTES);
            return HEADER_BYTES + plaintextLength + chunks * TAG_BYTES;
        }
    }

    /** The segment {@code header} opens (with this KMS key, for this object), or empty when it is not one. */
    Optional<Segment> open(byte[] header, String bucket, String key) {
        if (header.length != HEADER_BYTES || !Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return Optional.empty();
        }
        long length = ByteBuffer.wrap(header, MAGIC.length, Long.BYTES).getLong();
        if (length < 0) {
            return Optional.empty();
        }
        byte[] sealed = Arrays.copyOfRange(header, MAGIC.length + Long.BYTES, HEADER_BYTES);
        return kms.unseal(sealed, context(length, bucket, key)).map(dataKey -> new Segment(length, dataKey));
    }

    /** Whether {@code header} claims to be a segment header (whichever key sealed it). */
    static boolean looksEncrypted(byte[] header) {
        return header.length >= MAGIC.length && Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** {@code plaintext} ({@code length} bytes exactly) as one segment, encrypted as it is read. */
    InputStream encrypt(InputStream plaintext, long length, String bucket, String key) {
        byte[] dataKey = kms.newDataKey();
        byte[] header = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).putLong(length)
                .put(kms.seal(dataKey, context(length, bucket, key))).array();
        return new Encrypting(plaintext, length, header, dataKey);
    }

    /** The plaintext of stored segments, for object {@code bucket}/{@code key}; fails on anything that does not authenticate. */
    InputStream decrypt(InputStream stored, String bucket, String key) {
        return new Decrypting(stored, bucket, key);
    }

    private static byte[] context(long length, String bucket, String key) {
        byte[] object = (bucket + "/" + key).getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(MAGIC.length + Long.BYTES + object.length).put(MAGIC).putLong(length).put(object).array();
    }

    private static Cipher chunkCipher(int mode, byte[] dataKey, long chunk, boolean last) throws GeneralSecurityException {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        // A fresh data key per segment: the chunk number alone never repeats a nonce under it.
        byte[] nonce = ByteBuffer.allocate(12).putInt(0).putLong(chunk).array();
        gcm.init(mode, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
        gcm.updateAAD(new byte[] {(byte) (last ? 1 : 0)});
        return gcm;
    }

    /** A stream served from one buffer at a time, which {@link #next} fills (and resets {@code position}) until the end. */
    private abstract static class Chunked extends InputStream {
        byte[] buffer = new byte[0];
        int position;

        /** Fills {@code buffer} with what comes next; false at the end. */
        abstract boolean next() throws IOException;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (position == buffer.length) {
                if (!next()) {
                    return -1;
                }
            }
            int n = Math.min(len, buffer.length - position);
            System.arraycopy(buffer, position, b, off, n);
            position += n;
            return n;
        }
    }

    /** Header, then each chunk sealed as soon as its plaintext has been read. */
    private static final class Encrypting extends Chunked {
        private final InputStream plaintext;
        private final byte[] dataKey;
        private long remaining;
        private long chunk;
        private boolean done;

        Encrypting(InputStream plaintext, long length, byte[] header, byte[] dataKey) {
            this.plaintext = plaintext;
            this.remaining = length;
            this.dataKey = dataKey;
            this.buffer = header;
        }

        @Override
        boolean next() throws IOException {
            if (done) {
                return false;
            }
            int size = (int) Math.min(CHUNK_BYTES, remaining);
            byte[] plain = plaintext.readNBytes(size);
            if (plain.length < size) {
                throw new EOFException("the body ended " + (remaining - plain.length) + " bytes before its Content-Length");
            }
            remaining -= size;
            boolean last = remaining == 0;
            if (last && plaintext.read(new byte[1], 0, 1) >= 0) {
                throw new IOException("the body is longer than its Content-Length");
            }
            try {
                buffer = chunkCipher(Cipher.ENCRYPT_MODE, dataKey, chunk++, last).doFinal(plain);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot encrypt: " + e.getMessage(), e);
            }
            position = 0;
            done = last;
            return true;
        }

        @Override
        public void close() throws IOException {
            plaintext.close();
        }
    }

    /** Segment after segment: header, chunks up to the one marked last, then the next header or the end. */
    private final class Decrypting extends Chunked {
        private final InputStream stored;
        private final String bucket;
        private final String key;
        private Segment segment;
        private long remaining;
        private long chunk;

        Decrypting(InputStream stored, String bucket, String key) {
            this.stored = stored;
            this.bucket = bucket;
            this.key = key;
        }

        /** The next chunk into the buffer; false at the end of the last segment. */
        @Override
        boolean next() throws IOException {
            if (segment == null) {
                byte[] header = stored.readNBytes(HEADER_BYTES);
                if (header.length == 0) {
                    return false;
                }
                segment = open(header, bucket, key).orElseThrow(() ->
                        new IOException("a segment of " + bucket + "/" + key + " does not open with the KMS key"));
                remaining = segment.plaintextLength();
                chunk = 0;
            }
            int size = (int) Math.min(CHUNK_BYTES, remaining);
            byte[] sealed = stored.readNBytes(size + TAG_BYTES);
            if (sealed.length < size + TAG_BYTES) {
                throw new IOException(bucket + "/" + key + " is truncated");
            }
            remaining -= size;
            boolean last = remaining == 0;
            try {
                buffer = chunkCipher(Cipher.DECRYPT_MODE, segment.dataKey(), chunk++, last).doFinal(sealed);
            } catch (AEADBadTagException e) {
                throw new IOException(bucket + "/" + key + ": a chunk does not authenticate (changed on disk?)");
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot decrypt: " + e.getMessage(), e);
            }
            position = 0;
            if (last) {
                segment = null;
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            stored.close();
        }
    }
}
