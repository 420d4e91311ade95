package io.atlasj.trainer.model;

/**
 * What the rest of Atlas may know of the ND4J backend, without touching ND4J itself (DL4J and ND4J stay in this
 * package; a build rule checks it): its name for provenance, whether it drives GPUs, and binding a slot's thread to a
 * device.
 */
public final class Backend {
    private Backend() {
    }

    /** The backend in use, for a result's provenance. */
    public static String describe() {
        // the native build that loaded: the generic x86-64 one unless a platform extension (-avx2, -avx512) was chosen
        String extension = System.getProperty("org.bytedeco.javacpp.platform.extension", "");
        return org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName()
                + " (DL4J 1.0.0-M2.1; nd4j-native: CpuBackend, nd4j-cuda-11.6 with -Pcuda: JCublasBackend; native build "
                + System.getProperty("javacpp.platform", "linux-x86_64") + (extension.isEmpty() ? " generic" : extension)
                + "; OpenBLAS kernels " + openBlasKernels() + ")";
    }

    /**
     * The OpenBLAS kernels named for the products by {@code OPENBLAS_CORETYPE} (the launcher names Haswell's on AMD
     * processors that ND4J's OpenBLAS 0.3.19 does not know), else "as detected": OpenBLAS's own choice.
     * What OpenBLAS took is not read back (the JavaCPP preset does not bind {@code openblas_get_corename}): a name it
     * does not know is recorded as named, though OpenBLAS then chooses by itself.
     */
    static String openBlasKernels() {
        String named = System.getenv("OPENBLAS_CORETYPE");
        return named == null || named.isBlank() ? "as detected" : named.strip() + " (OPENBLAS_CORETYPE)";
    }

    /** Whether this build carries the CUDA backend (built with {@code -Pcuda}), without loading it. */
    public static boolean hasGpus() {
        try {
            Class.forName("org.nd4j.linalg.jcublas.JCublasBackend", false, Backend.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static final java.util.concurrent.atomic.AtomicBoolean LOADING = new java.util.concurrent.atomic.AtomicBoolean();
    private static volatile Throwable loadFailure;

    /**
     * Starts loading ND4J's native backend on a daemon thread, once: about 0.6 to 0.9 s of a command that trains
     * (the native libraries and the backend's set-up), which then overlaps the command's own start (reading the
     * WorkSpec, opening the stores, reading the featureset) instead of following it on the first slot. A slot that
     * needs ND4J before the load ends waits for it (class initialisation). A load that fails is logged with its
     * reason and kept for {@link #loadFailure()}: the JVM tells later users of ND4J only that its class could not be
     * initialised.
     */
    public static void loadInBackground() {
        if (!LOADING.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                org.nd4j.linalg.factory.Nd4j.create(1);
            } catch (Throwable e) { // NOPMD: kept and logged, for the slots' failures to name
                loadFailure = e;
                org.slf4j.LoggerFactory.getLogger(Backend.class).error("ND4J's native backend failed to load", e);
            }
        }, "atlas-nd4j-load");
        t.setDaemon(true);
        t.start();
    }

    /** Why the background load of ND4J failed, or null (not tried, still loading, or loaded). */
    public static Throwable loadFailure() {
        return loadFailure;
    }

    /** Binds the calling thread (a trainer slot's) to GPU {@code device}. */
    public static void useDevice(int device) {
        org.nd4j.linalg.factory.Nd4j.getAffinityManager().unsafeSetDevice(device);
    }
}
