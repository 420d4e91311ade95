package io.atlasj.trainer.model;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas.cblas_sgemv;

import org.bytedeco.javacpp.FloatPointer;

/**
 * Single-precision matrix products by OpenBLAS's {@code cblas_sgemm}, the BLAS that ND4J's CPU backend calls itself,
 * on native buffers that live as long as their owner. Why not {@code Nd4j.gemm}: it allocates its output and builds
 * an op context on every call, which for an LSTM step's [128, 32] x [32, 128] costs 35 us against 20 us here, and for
 * the [128, 30] x [30, 7680] input projection of a batch 4 ms against 1.5 ms (this machine, one thread). Not
 * thread-safe: a buffer belongs to one thread at a time.
 */
final class Blas {
    private Blas() {
    }

    /** A growable native float buffer, row-major matrices in its first values. */
    static final class Buf {
        private FloatPointer p;
        private long capacity;

        /** Room for {@code n} values (the old content is lost when it grows). */
        Buf size(long n) {
            if (n > capacity) {
                if (p != null) {
                    p.close();
                }
                capacity = Math.max(n, capacity + capacity / 2);
                p = new FloatPointer(capacity);
            }
            return this;
        }

        /** Frees the native memory now (the buffer grows again when next used). */
        void free() {
            if (p != null) {
                p.close();
                p = null;
                capacity = 0;
            }
        }

        /** The first {@code n} values of {@code v} into the buffer. */
        Buf put(float[] v, int n) {
            size(n);
            p.position(0).put(v, 0, n);
            return this;
        }

        Buf put(float[] v) {
            return put(v, v.length);
        }

        /** Values {@code from .. from + n} of {@code v} into the buffer's first {@code n}. */
        Buf put(float[] v, int from, int n) {
            size(n);
            p.position(0).put(v, from, n);
            return this;
        }

        /** All of {@code v} into the buffer from its value {@code at} (which must have room for them). */
        void put(int at, float[] v) {
            put(at, v, v.length);
        }

        /** The first {@code n} values of {@code v} into the buffer from its value {@code at} (which must have room). */
        void put(int at, float[] v, int n) {
            if (at + (long) n > capacity) {
                throw new IndexOutOfBoundsException(at + n + " values in a buffer of " + capacity);
            }
            p.position(at).put(v, 0, n);
            p.position(0);
        }

        /** {@code n} values from the buffer's value {@code from} into {@code v} at {@code to}. */
        void get(int from, float[] v, int to, int n) {
            p.position(from);
            p.get(v, to, n);
            p.position(0);
        }

        /** The buffer's first {@code v.length} values into {@code v}. */
        void get(float[] v) {
            get(0, v, 0, v.length);
        }
    }

    /**
     * The row sums of the row-major m x n matrix {@code a} into {@code sums} (m values), as A x 1 with {@code ones}
     * holding at least n ones: BLAS's vectorised float sum, where a Java loop's strict order cannot be.
     */
    static void rowSums(int m, int n, Buf a, Buf ones, Buf sums) {
        sums.size(m);
        cblas_sgemv(CblasRowMajor, CblasNoTrans, m, n, 1f, a.p.position(0), n, ones.p.position(0), 1, 0f,
                sums.p.position(0), 1);
    }

    /**
     * C = op(A) op(B) + beta C, row-major: op(A) is m x k, op(B) k x n, C m x n; {@code ta}/{@code tb} transpose the
     * matrix as stored (A stored k x m when transposed).
     */
    static void gemm(boolean ta, boolean tb, int m, int n, int k, Buf a, Buf b, float beta, Buf c) {
        c.size((long) m * n);
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1f,
                a.p.position(0), ta ? m : k, b.p.position(0), tb ? k : n, beta, c.p.position(0), n);
    }
}
