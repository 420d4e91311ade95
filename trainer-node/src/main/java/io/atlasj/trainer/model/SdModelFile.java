package io.atlasj.trainer.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The file of a SameDiff model: a zip of {@code arch.json} (format version, model type, hyperparameters, input width,
 * window length, timeframe groups, heads, seed, the epoch and iteration reached) and one entry per weight
 * ({@code params/NAME}) and per updater state ({@code updater/NAME}) in ND4J's binary array format
 * ({@code Nd4j.write}). ND4J's own FlatBuffers graph files ({@code SameDiff.save}) are not used: the project pins a
 * flatbuffers-java that ND4J's generated classes do not work with. On reading, the graph is rebuilt from the
 * architecture and the arrays put back.
 */
public final class SdModelFile {
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SdModelFile() {
    }

    record Header(int version, SdNet.Arch arch, int epoch, int iteration) {
    }

    /** Writes the model whole under its name, flushed to the device (a model file); returns its SHA-256. */
    static String write(Path file, SameDiffTrainer.State state) throws IOException {
        return write(file, state, true);
    }

    /** As {@link #write(Path, SameDiffTrainer.State)}; a checkpoint ({@code flush} false) is not flushed. */
    static String write(Path file, SameDiffTrainer.State state, boolean flush) throws IOException {
        String[] sha = new String[1];
        io.atlasj.home.Durable.Writer w = tmp -> {
            try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
                zip.putNextEntry(new ZipEntry("arch.json"));
                zip.write(JSON.writeValueAsBytes(new Header(VERSION, state.net.arch, state.epoch, state.iteration)));
                zip.closeEntry();
                arrays(zip, "params/", state.net.params);
                arrays(zip, "updater/", state.updater);
            }
            sha[0] = Checkpoint.sha256(tmp);
        };
        if (flush) {
            io.atlasj.home.Durable.write(file, w);
        } else {
            io.atlasj.home.Durable.replace(file, w);
        }
        return sha[0];
    }

    private static void arrays(ZipOutputStream zip, String dir, Map<String, INDArray> arrays) throws IOException {
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
            zip.putNextEntry(new ZipEntry(dir + e.getKey()));
            DataOutputStream out = new DataOutputStream(zip);
            Nd4j.write(e.getValue(), out);
            out.flush();
            zip.closeEntry();
        }
    }

    /** Reads a model written by {@link #write}: the network with its weights, and its updater state. */
    static SameDiffTrainer.State read(Path file) throws IOException {
        Header header = null;
        Map<String, INDArray> params = new java.util.LinkedHashMap<>();
        Map<String, INDArray> updater = new java.util.LinkedHashMap<>();
        try (InputStream is = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(is)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().equals("arch.json")) {
                    header = JSON.readValue(zip.readAllBytes(), Header.class);
                } else if (e.getName().startsWith("params/")) {
                    params.put(e.getName().substring(7), Nd4j.read(new DataInputStream(zip)));
                } else if (e.getName().startsWith("updater/")) {
                    updater.put(e.getName().substring(8), Nd4j.read(new DataInputStream(zip)));
                }
            }
        }
        if (header == null) {
            throw new IOException(file + ": not a SameDiff model file of Atlas (no arch.json)");
        }
        if (header.version() < 1 || header.version() > VERSION) {
            throw new IOException(file + ": unknown model file version " + header.version() + ", this Atlas supports "
                    + "at most " + VERSION);
        }
        SdNet net = new SdNet(header.arch());
        net.params.putAll(params);
        net.build(false); // every weight the architecture needs must be in the file
        if (net.params.size() != params.size()) {
            throw new IOException(file + ": the file lacks weights of its architecture");
        }
        SameDiffTrainer.State s = new SameDiffTrainer.State(net);
        s.updater.putAll(updater);
        s.epoch = header.epoch();
        s.iteration = header.iteration();
        return s;
    }
}
