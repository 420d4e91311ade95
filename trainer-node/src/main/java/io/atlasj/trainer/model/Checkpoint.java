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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The end-of-epoch checkpoint of a model being trained into {@code MODEL}: {@code MODEL.ckpt.zip} (the network as it
 * is, with its optimizer state), {@code MODEL.ckpt-best.zip} (the best epoch's weights so far) and
 * {@code MODEL.ckpt.json} (the loop: next epoch, best score and epoch, patience and plateau counters, learning rate,
 * the curves so far, the spec key it belongs to, and the SHA-256 of the two zips). Training that finds a checkpoint
 * of its own key resumes after the last finished epoch instead of starting again; a finished model deletes its
 * checkpoint. Every file is written durably (temporary name, flushed, renamed) and the JSON last, so a kill while
 * saving leaves the previous epoch's checkpoint; one whose files do not match the checksums in its JSON (a zip torn
 * by a kill, a disk error) is set aside ({@code *.damaged}) with a warning and training starts afresh: a damaged
 * checkpoint never fails the model.
 */
final class Checkpoint {
    /** 2: the JSON carries the zips' SHA-256; a version-1 checkpoint is ignored (training starts afresh). */
    static final int VERSION = 2;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Checkpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {
    }

    /** Where the training loop stands after an epoch. */
    record Loop(int version, String key, int nextEpoch, double best, int bestEpoch, int sinceBest, double lr,
                int plateau, double plateauBest, List<TrainingResult.Epoch> curves, String netSha256,
                String bestSha256) {
        Loop {
            curves = List.copyOf(curves);
        }

        Loop withChecksums(String net, String best) {
            return new Loop(version, key, nextEpoch, this.best, bestEpoch, sinceBest, lr, plateau, plateauBest, curves,
                    net, best);
        }
    }

    static Path net(Path model) {
        return model.resolveSibling(model.getFileName() + ".ckpt.zip");
    }

    static Path best(Path model) {
        return model.resolveSibling(model.getFileName() + ".ckpt-best.zip");
    }

    static Path loop(Path model) {
        return model.resolveSibling(model.getFileName() + ".ckpt.json");
    }

    /**
     * The checkpoint's loop state if a sound one exists for {@code key}; a checkpoint of another key is left alone. A
     * checkpoint that is unreadable or whose zips do not match their checksums is set aside and not used.
     */
    static Optional<Loop> find(Path model, String key) {
        if (model == null || !Files.isRegularFile(loop(model))) {
            return Optional.empty();
        }
        Loop l;
        try {
            l = JSON.readValue(loop(model).toFile(), Loop.class);
        } catch (IOException e) {
            setAside(model, "its loop state is unreadable: " + e.getMessage());
            return Optional.empty();
        }
        if (l.version() != VERSION || !key.equals(l.key())) {
            return Optional.empty();
        }
        try {
            if (!Files.isRegularFile(net(model)) || !Files.isRegularFile(best(model))) {
                setAside(model, "a file of it is missing");
                return Optional.empty();
            }
            if (!sha256(net(model)).equals(l.netSha256()) || !sha256(best(model)).equals(l.bestSha256())) {
                setAside(model, "its files do not match the checksums recorded with it (torn by a crash?)");
                return Optional.empty();
            }
        } catch (IOException e) {
            setAside(model, "its files cannot be read: " + e.getMessage());
            return Optional.empty();
        }
        return Optional.of(l);
    }

    /**
     * Moves the checkpoint's files aside ({@code NAME.damaged}, kept for a post-mortem) and says why in the log; the
     * model then trains from its start (or its warm start). Used when a checkpoint that passed its checksums still
     * cannot be restored.
     */
    static void setAside(Path model, String why) {
        LOG.warn("the checkpoint of {} is set aside and the model trains from the start: {}", model, why);
        for (Path p : List.of(loop(model), net(model), best(model))) {
            try {
                if (Files.exists(p)) {
                    Files.move(p, p.resolveSibling(p.getFileName() + ".damaged"), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                LOG.warn("cannot move {} aside: {}", p, e.getMessage());
            }
        }
    }

    /**
     * Saves the loop after the network (written durably by the caller into {@link #net}) and the best weights, with
     * both files' checksums: the JSON is the commit point.
     */
    static void saveLoop(Path model, Loop l, Map<String, INDArray> bestWeights) throws IOException {
        writeArrays(best(model), bestWeights);
        Loop sealed = l.withChecksums(sha256(net(model)), sha256(best(model)));
        io.atlasj.home.Durable.write(loop(model), JSON.writeValueAsBytes(sealed));
    }

    static String sha256(Path file) throws IOException {
        return io.atlasj.workspec.results.ResultsIo.sha256(file);
    }

    static void delete(Path model) throws IOException {
        Files.deleteIfExists(loop(model)); // first: without its loop state the rest is never used
        Files.deleteIfExists(net(model));
        Files.deleteIfExists(best(model));
    }

    /** A zip of named arrays in ND4J's binary format, written atomically. */
    static void writeArrays(Path file, Map<String, INDArray> arrays) throws IOException {
        io.atlasj.home.Durable.write(file, tmp -> {
            try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
                for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                    zip.putNextEntry(new ZipEntry(e.getKey()));
                    DataOutputStream out = new DataOutputStream(zip);
                    Nd4j.write(e.getValue(), out);
                    out.flush();
                    zip.closeEntry();
                }
            }
        });
    }

    /** A DL4J network written durably (ModelSerializer writes in place). */
    static void writeNetwork(Path file, org.deeplearning4j.nn.multilayer.MultiLayerNetwork net, boolean withUpdater)
            throws IOException {
        io.atlasj.home.Durable.write(file, tmp -> org.deeplearning4j.util.ModelSerializer.writeModel(net, tmp.toFile(),
                withUpdater));
    }

    static Map<String, INDArray> readArrays(Path file) throws IOException {
        Map<String, INDArray> out = new LinkedHashMap<>();
        try (InputStream is = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(is)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                out.put(e.getName(), Nd4j.read(new DataInputStream(zip)));
            }
        }
        return out;
    }
}
