package org.lrml.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.lrml.backend.LabelRule;
import org.lrml.backend.RankResult;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.TestData;

/** The tensor-level similarity and ranking API (the kernel itself is proven in CpuRankingTest). */
class RankingTest {

    @Test
    void similarityIsQTimesGTransposed() {
        for (DType dt : DType.values()) {
            Tensor q = TestData.randn(1, dt, 7, 5);
            Tensor g = TestData.randn(2, dt, 11, 5);
            double[] qv = q.toDoubleArray();
            double[] gv = g.toDoubleArray();
            double[] ref = new double[7 * 11];
            for (int i = 0; i < 7; i++) {
                for (int j = 0; j < 11; j++) {
                    for (int p = 0; p < 5; p++) {
                        ref[i * 11 + j] += qv[i * 5 + p] * gv[j * 5 + p];
                    }
                }
            }
            Tensor s = Similarity.apply(q, g);
            assertArrayEquals(new int[]{7, 11}, s.shape());
            TestData.assertClose("similarity " + dt, ref, s);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Similarity.apply(TestData.randn(1, DType.F32, 3, 4), TestData.randn(1, DType.F32, 3, 5)));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[3, 5]"), e.getMessage());
    }

    @Test
    void blockedSimilarityRankingEqualsRankingTheProduct() {
        Tensor q = TestData.randn(3, DType.F32, 40, 9);
        Tensor g = TestData.randn(4, DType.F32, 501, 9);
        int[] ql = new int[40];
        int[] gl = new int[501];
        for (int i = 0; i < gl.length; i++) {
            gl[i] = i % 7;
        }
        for (int i = 0; i < ql.length; i++) {
            ql[i] = i % 5;
        }
        Tensor s = Similarity.apply(q, g);
        for (Ranking r : new Ranking[]{Ranking.top(8), Ranking.bottom(3), Ranking.top(20).labels(ql, gl, LabelRule.SAME),
                Ranking.bottom(600).labels(ql, gl, LabelRule.DIFFERENT).excludeSelf().offsets(2, 0)}) {
            RankResult a = r.of(s);
            RankResult b = r.similarity(q, g);
            assertArrayEquals(a.indices(), b.indices());
            assertArrayEquals(a.values(), b.values());
        }
    }

    @Test
    void offsetsReportGlobalColumns() {
        Tensor s = Tensor.of(new double[]{0.1, 0.9, 0.5, 0.7, 0.2, 0.3}, 2, 3);
        RankResult r = Ranking.top(2).offsets(10, 100).of(s);
        assertArrayEquals(new long[]{101, 102, 100, 102}, r.indices());
        assertEquals(0.9, r.value(0, 0));
        // Row 0 is global row 10; with column offset 8, local column 2 is global column 10 = itself.
        RankResult self = Ranking.top(3).excludeSelf().offsets(10, 8).of(s);
        assertArrayEquals(new long[]{9, 8, -1, 8, 10, 9}, self.indices());
    }

    @Test
    void badArgumentsAreReported() {
        assertThrows(IllegalArgumentException.class, () -> Ranking.top(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ranking.top(1).of(Tensor.of(new double[]{1, 2, 3}, 3)));
        assertTrue(e.getMessage().contains("matrix"), e.getMessage());
        IllegalArgumentException rule = assertThrows(IllegalArgumentException.class,
                () -> Ranking.top(1).labels(null, null, LabelRule.SAME).of(Tensor.of(new double[]{1, 2}, 1, 2)));
        assertTrue(rule.getMessage().contains("needs both row and column labels"), rule.getMessage());
    }
}
