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
                + ")";
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

    /** Binds the calling thread (a trainer slot's) to GPU {@code device}. */
    public static void useDevice(int device) {
        org.nd4j.linalg.factory.Nd4j.getAffinityManager().unsafeSetDevice(device);
    }
}
