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
 * The end-of-epoch checkpoint of a model being trained into {@code MODEL}: {@code MODEL.ckpt-N.zip} (the network as it
 * is after epoch N - 1, with its optimizer state), {@code MODEL.ckpt-N-best.zip} (the best epoch's weights so far) and
 * {@code MODEL.ckpt.json} (the loop: next epoch N, best score and epoch, patience and plateau counters, learning
 * rate, the curves so far, the spec key it belongs to, and the SHA-256 of the two zips). Every file is written
 * whole under its name (temporary name, renamed: {@link io.atlasj.home.Durable#replace}; not flushed to the device
 * each epoch, so a power loss may cost the checkpoint, which its checksums then reveal); the JSON is the commit point and is written after both zips, and the
 * previous epoch's zips are removed only after it: a kill at any moment leaves the last committed checkpoint whole, so
 * training resumes from its last good state. A checkpoint whose files do not match its checksums (a disk error, a
 * file changed by hand) or cannot be restored is set aside ({@code *.damaged}) with a warning and the model trains
 * from the start: a damaged checkpoint never fails the model. A finished model deletes its checkpoint.
 */
final class Checkpoint {
    /** 3: zips named by epoch, the JSON carries their SHA-256; older checkpoints are ignored (training starts afresh). */
    static final int VERSION = 3;
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

    /** The network after epoch {@code nextEpoch - 1}, with its optimizer state. */
    static Path net(Path model, int nextEpoch) {
        return model.resolveSibling(model.getFileName() + ".ckpt-" + nextEpoch + ".zip");
    }

    /** The best weights as of epoch {@code nextEpoch - 1}. */
    static Path best(Path model, int nextEpoch) {
        return model.resolveSibling(model.getFileName() + ".ckpt-" + nextEpoch + "-best.zip");
    }

    static Path net(Path model, Loop l) {
        return net(model, l.nextEpoch());
    }

    static Path best(Path model, Loop l) {
        return best(model, l.nextEpoch());
    }

    static Path loop(Path model) {
        return model.resolveSibling(model.getFileName() + ".ckpt.json");
    }

    /** Every zip of {@code model}'s checkpoints (the committed epoch's, and any an interrupted save left). */
    private static java.util.List<Path> zips(Path model) throws IOException {
        String prefix = model.getFileName() + ".ckpt-";
        Path dir = model.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(".zip")).toList();
        }
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
            if (!Files.isRegularFile(net(model, l)) || !Files.isRegularFile(best(model, l))) {
                setAside(model, "a file of it is missing");
                return Optional.empty();
            }
            if (!sha256(net(model, l)).equals(l.netSha256()) || !sha256(best(model, l)).equals(l.bestSha256())) {
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
        List<Path> files = new java.util.ArrayList<>(List.of(loop(model)));
        try {
            files.addAll(zips(model));
        } catch (IOException e) {
            LOG.warn("cannot list the checkpoint files of {}: {}", model, e.getMessage());
        }
        for (Path p : files) {
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
     * Commits the checkpoint of {@code l.nextEpoch()}: the network was written durably by the caller into
     * {@link #net(Path, Loop)} (with the SHA-256 {@code netSha256} of what it wrote); this writes the best weights, then the JSON with both files' checksums (the commit
     * point), then removes the zips of earlier epochs.
     */
    static void saveLoop(Path model, Loop l, String netSha256, Map<String, INDArray> bestWeights) throws IOException {
        String bestSha256 = writeArrays(best(model, l), bestWeights);
        // the checksums of the bytes this thread wrote, not of whatever is on disk now: a second writer of the same
        // model (a re-queued key trained twice) cannot get its files vouched for by this JSON
        Loop sealed = l.withChecksums(netSha256, bestSha256);
        io.atlasj.home.Durable.replace(loop(model), tmp -> Files.write(tmp, JSON.writeValueAsBytes(sealed)));
        // the previous epoch's zips: anything older (or left by an interrupted save) goes with delete() at the end
        Files.deleteIfExists(net(model, l.nextEpoch() - 1));
        Files.deleteIfExists(best(model, l.nextEpoch() - 1));
    }

    static String sha256(Path file) throws IOException {
        return io.atlasj.workspec.results.ResultsIo.sha256(file);
    }

    static void delete(Path model) throws IOException {
        Files.deleteIfExists(loop(model)); // first: without its loop state the rest is never used
        for (Path p : zips(model)) {
            Files.deleteIfExists(p);
        }
    }

    /** A zip of named arrays in ND4J's binary format, written atomically. */
    /** @return the SHA-256 of what was written */
    static String writeArrays(Path file, Map<String, INDArray> arrays) throws IOException {
        String[] sha = new String[1];
        io.atlasj.home.Durable.replace(file, tmp -> {
            try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
                for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                    zip.putNextEntry(new ZipEntry(e.getKey()));
                    DataOutputStream out = new DataOutputStream(zip);
                    Nd4j.write(e.getValue(), out);
                    out.flush();
                    zip.closeEntry();
                }
            }
            sha[0] = sha256(tmp);
        });
        return sha[0];
    }

    /**
     * A DL4J network written whole under its name (ModelSerializer writes in place), flushed to the device when
     * {@code flush} (a model file; a checkpoint is not: see {@link io.atlasj.home.Durable#replace}); returns the
     * SHA-256 of what was written.
     */
    static String writeNetwork(Path file, org.deeplearning4j.nn.multilayer.MultiLayerNetwork net, boolean withUpdater,
                               boolean flush) throws IOException {
        String[] sha = new String[1];
        io.atlasj.home.Durable.Writer w = tmp -> {
            org.deeplearning4j.util.ModelSerializer.writeModel(net, tmp.toFile(), withUpdater);
            sha[0] = sha256(tmp);
        };
        if (flush) {
            io.atlasj.home.Durable.write(file, w);
        } else {
            io.atlasj.home.Durable.replace(file, w);
        }
        return sha[0];
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
