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
 * the curves so far, and the spec key it belongs to). Training that finds a checkpoint of its own key resumes after
 * the last finished epoch instead of starting again; a finished model deletes its checkpoint. The JSON is written
 * last, so a checkpoint without it (a kill while saving) is ignored.
 */
final class Checkpoint {
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {
    }

    /** Where the training loop stands after an epoch. */
    record Loop(int version, String key, int nextEpoch, double best, int bestEpoch, int sinceBest, double lr,
                int plateau, double plateauBest, List<TrainingResult.Epoch> curves) {
        Loop {
            curves = List.copyOf(curves);
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

    /** The checkpoint's loop state if one exists for {@code key}; a checkpoint of another key is left alone. */
    static Optional<Loop> find(Path model, String key) {
        if (model == null || !Files.isRegularFile(loop(model)) || !Files.isRegularFile(net(model))
                || !Files.isRegularFile(best(model))) {
            return Optional.empty();
        }
        try {
            Loop l = JSON.readValue(loop(model).toFile(), Loop.class);
            return l.version() == VERSION && key.equals(l.key()) ? Optional.of(l) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // unreadable: train from the start
        }
    }

    /** Saves the loop after the network and best weights (written by the caller into {@link #net} and here). */
    static void saveLoop(Path model, Loop l, Map<String, INDArray> bestWeights) throws IOException {
        writeArrays(best(model), bestWeights);
        Path tmp = loop(model).resolveSibling(loop(model).getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), l);
        Files.move(tmp, loop(model), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static void delete(Path model) throws IOException {
        Files.deleteIfExists(loop(model));
        Files.deleteIfExists(net(model));
        Files.deleteIfExists(best(model));
    }

    /** A zip of named arrays in ND4J's binary format, written atomically. */
    static void writeArrays(Path file, Map<String, INDArray> arrays) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                DataOutputStream out = new DataOutputStream(zip);
                Nd4j.write(e.getValue(), out);
                out.flush();
                zip.closeEntry();
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
