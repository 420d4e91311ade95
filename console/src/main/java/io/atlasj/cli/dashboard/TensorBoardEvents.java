package io.atlasj.cli.dashboard;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A TensorBoard event file ({@code events.out.tfevents.SECONDS.HOST}) of scalar summaries, as TensorFlow writes them:
 * TFRecord framing (little-endian length, masked CRC-32C of the length, the record, masked CRC-32C of the record) around
 * {@code tensorflow.Event} protocol buffers, encoded with protobuf-java: a first event with {@code file_version
 * "brain.Event:2"}, then one event per value with {@code wall_time}, {@code step} and a {@code Summary} holding one
 * {@code simple_value} under its tag. Written to a temporary file and moved into place when closed.
 */
final class TensorBoardEvents implements AutoCloseable {
    // tensorflow/core/util/event.proto and summary.proto: the field numbers used here
    private static final int EVENT_WALL_TIME = 1;
    private static final int EVENT_STEP = 2;
    private static final int EVENT_FILE_VERSION = 3;
    private static final int EVENT_SUMMARY = 5;
    private static final int SUMMARY_VALUE = 1;
    private static final int VALUE_TAG = 1;
    private static final int VALUE_SIMPLE_VALUE = 2;
    private static final int MASK_DELTA = 0xa282ead8;

    private final Path file;
    private final Path part;
    private final OutputStream out;

    /** Opens the event file of one TensorBoard run in {@code dir} (created). */
    TensorBoardEvents(Path dir, long wallTimeMs, String host) throws IOException {
        Files.createDirectories(dir);
        this.file = dir.resolve("events.out.tfevents." + wallTimeMs / 1000 + "." + host);
        this.part = dir.resolve(file.getFileName() + ".part");
        this.out = new java.io.BufferedOutputStream(Files.newOutputStream(part));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(b);
        c.writeDouble(EVENT_WALL_TIME, wallTimeMs / 1000.0);
        c.writeString(EVENT_FILE_VERSION, "brain.Event:2");
        c.flush();
        record(b.toByteArray());
    }

    Path file() {
        return file;
    }

    /** One scalar: {@code tag} at {@code step}; a NaN is written as TensorBoard shows it (NaN). */
    void scalar(String tag, long step, double value, long wallTimeMs) throws IOException {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        CodedOutputStream cv = CodedOutputStream.newInstance(v);
        cv.writeString(VALUE_TAG, tag);
        cv.writeFloat(VALUE_SIMPLE_VALUE, (float) value);
        cv.flush();
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        CodedOutputStream cs = CodedOutputStream.newInstance(s);
        cs.writeBytes(SUMMARY_VALUE, ByteString.copyFrom(v.toByteArray()));
        cs.flush();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        CodedOutputStream ce = CodedOutputStream.newInstance(e);
        ce.writeDouble(EVENT_WALL_TIME, wallTimeMs / 1000.0);
        ce.writeInt64(EVENT_STEP, step);
        ce.writeBytes(EVENT_SUMMARY, ByteString.copyFrom(s.toByteArray()));
        ce.flush();
        record(e.toByteArray());
    }

    private void record(byte[] data) throws IOException {
        byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
        out.write(length);
        out.write(crc(length));
        out.write(data);
        out.write(crc(data));
    }

    /** TFRecord's masked CRC-32C, little-endian. */
    static byte[] crc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        int crc = (int) c.getValue();
        int masked = ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(masked).array();
    }

    @Override
    public void close() throws IOException {
        out.close();
        Files.move(part, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
