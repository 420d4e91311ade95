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
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The checkpoint of a pack of models being trained together ({@link PackedDense}), so that a pack cut short (a killed
 * trainer, a lost node) goes on from its last checkpoint instead of training again from the first epoch, as a model
 * trained alone does ({@link Checkpoint}). One file, {@code FIRST_MODEL.pack-ckpt.zip} beside the pack's first model
 * file: {@code state.json} (the models' keys, the fold, the next epoch, the optimizer's step, which models are still in
 * the pack and at which place, each model's epoch bookkeeping and curves, failures, which were stopped by the search)
 * and the arrays: the pack's weights, kept weights and Adam moments, and the kept weights of every model that has
 * left the pack (whose predictions and importance are made again from them on a resume, as a model's numbers do not
 * depend on its pack). Shuffles and dropout masks come from each model's seed and the epoch, so nothing of a random
 * generator needs keeping.
 *
 * <p>The file is written whole under its name (temporary name, renamed; not flushed to the device each time, as a
 * model's checkpoint): a kill at any moment leaves the previous one or the new one. One that cannot be read is set
 * aside ({@code .damaged}) with a warning and the pack trains from the start; one of another pack (other keys, fold
 * or rows) is not used. A pack that finishes deletes it.
 */
final class PackCheckpoint {
    /** 2: the search's stop reasons are kept ({@code stops}); a version 1 file is not used. */
    static final int VERSION = 2;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PackCheckpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Where the pack stands after epoch {@code nextEpoch - 1}.
     *
     * @param at     the model (index into the pack's specs) at each place of the pack as it is now
     * @param books  per model: best, best epoch, epochs since the best, learning rate, plateau count, plateau best
     * @param left   the models that have left the pack with kept weights (in {@link Saved#leftKept})
     * @param stops  per model: why the run's search stopped it, or null
     */
    record State(int version, List<String> keys, int fold, int trainRows, int nextEpoch, long step, int[] at,
                 boolean[] active, boolean[] kept, String[] failure, boolean[] searched, String[] stops,
                 double[][] books, List<List<TrainingResult.Epoch>> curves, int[] left) {
    }

    /**
     * A checkpoint read back.
     *
     * @param pack     per layer: w, b, bestW, bestB, m1W, m1B, m2W, m2B of the pack's places ({@code 8 * layers})
     * @param leftKept per model that has left: its kept weights, per layer W then b ({@code 2 * layers})
     */
    record Saved(State state, INDArray[] pack, Map<Integer, INDArray[]> leftKept) {
    }

    private PackCheckpoint() {
    }

    /** The checkpoint file of a pack whose first model is saved to {@code firstModel}; null when none is saved. */
    static Path file(List<Path> modelFiles) {
        if (modelFiles == null || modelFiles.isEmpty() || modelFiles.get(0) == null) {
            return null;
        }
        Path first = modelFiles.get(0);
        return first.resolveSibling(first.getFileName() + ".pack-ckpt.zip");
    }

    static void write(Path file, State state, INDArray[] pack, Map<Integer, INDArray[]> leftKept) throws IOException {
        io.atlasj.home.Durable.replace(file, tmp -> {
            try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
                zip.putNextEntry(new ZipEntry("state.json"));
                zip.write(JSON.writeValueAsBytes(state));
                zip.closeEntry();
                for (int i = 0; i < pack.length; i++) {
                    array(zip, "pack/" + i, pack[i]);
                }
                for (Map.Entry<Integer, INDArray[]> e : leftKept.entrySet()) {
                    for (int i = 0; i < e.getValue().length; i++) {
                        array(zip, "left/" + e.getKey() + "/" + i, e.getValue()[i]);
                    }
                }
            }
        });
    }

    private static void array(ZipOutputStream zip, String name, INDArray a) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        DataOutputStream out = new DataOutputStream(zip);
        Nd4j.write(a, out);
        out.flush();
        zip.closeEntry();
    }

    /**
     * The checkpoint of this pack ({@code keys}, fold, training rows), if there is one to go on from; null otherwise.
     * One that cannot be read is set aside with a warning.
     */
    static Saved read(Path file, List<String> keys, int fold, int trainRows, int layers) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            State state = null;
            Map<String, INDArray> arrays = new LinkedHashMap<>();
            try (InputStream is = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(is)) {
                for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                    if (e.getName().equals("state.json")) {
                        state = JSON.readValue(zip.readAllBytes(), State.class);
                    } else {
                        arrays.put(e.getName(), Nd4j.read(new DataInputStream(zip)));
                    }
                }
            }
            if (state == null) {
                throw new IOException("no state.json");
            }
            if (state.version() != VERSION || !state.keys().equals(keys) || state.fold() != fold
                    || state.trainRows() != trainRows) {
                LOG.info("{}: the checkpoint of another pack (or version), not used", file);
                return null;
            }
            INDArray[] pack = new INDArray[8 * layers];
            for (int i = 0; i < pack.length; i++) {
                pack[i] = require(arrays, "pack/" + i);
            }
            Map<Integer, INDArray[]> left = new LinkedHashMap<>();
            for (int j : state.left()) {
                INDArray[] kept = new INDArray[2 * layers];
                for (int i = 0; i < kept.length; i++) {
                    kept[i] = require(arrays, "left/" + j + "/" + i);
                }
                left.put(j, kept);
            }
            return new Saved(state, pack, left);
        } catch (IOException | RuntimeException e) {
            setAside(file, "it cannot be read: " + e.getMessage());
            return null;
        }
    }

    /**
     * Why {@code saved} cannot be the state of a pack of {@code k} models of layer sizes {@code dims} (its places or
     * arrays do not fit), or null when it can.
     */
    static String misfit(Saved saved, int k, int[] dims) {
        State st = saved.state();
        int layers = dims.length - 1;
        boolean[] seen = new boolean[k];
        if (st.at().length == 0 || st.active().length != k || st.kept().length != k || st.failure().length != k
                || st.searched().length != k || st.stops() == null || st.stops().length != k || st.books().length != k
                || st.curves().size() != k) {
            return "its per-model state is not of " + k + " models";
        }
        for (int j : st.at()) {
            if (j < 0 || j >= k || seen[j]) {
                return "its pack places " + java.util.Arrays.toString(st.at()) + " do not fit " + k + " models";
            }
            seen[j] = true;
        }
        for (int j : st.left()) {
            if (j < 0 || j >= k || seen[j]) {
                return "its models that left, " + java.util.Arrays.toString(st.left()) + ", do not fit";
            }
            seen[j] = true;
        }
        int n = st.at().length;
        for (int l = 0; l < layers; l++) {
            long[] w = {n, dims[l], dims[l + 1]};
            long[] b = {n, 1, dims[l + 1]};
            for (int i = 0; i < 8; i++) {
                if (!java.util.Arrays.equals(saved.pack()[8 * l + i].shape(), i % 2 == 0 ? w : b)) {
                    return "its array " + (8 * l + i) + " has shape "
                            + java.util.Arrays.toString(saved.pack()[8 * l + i].shape());
                }
            }
            for (INDArray[] kept : saved.leftKept().values()) {
                if (kept[2 * l].length() != (long) dims[l] * dims[l + 1] || kept[2 * l + 1].length() != dims[l + 1]) {
                    return "the kept weights of a model that left do not fit layer " + l;
                }
            }
        }
        return null;
    }

    /** Moves a checkpoint that cannot be used aside ({@code .damaged}) and says why; the pack trains from the start. */
    static void setAside(Path file, String why) {
        LOG.warn("{}: the pack's checkpoint cannot be used ({}); set aside, the pack trains from the start", file, why);
        try {
            Files.move(file, file.resolveSibling(file.getFileName() + ".damaged"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException moved) {
            LOG.warn("cannot set {} aside: {}", file, moved.getMessage());
        }
    }

    private static INDArray require(Map<String, INDArray> arrays, String name) throws IOException {
        INDArray a = arrays.get(name);
        if (a == null) {
            throw new IOException("no array " + name);
        }
        return a;
    }

    static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("cannot delete the finished pack's checkpoint {}: {}", file, e.getMessage());
            }
        }
    }
}
