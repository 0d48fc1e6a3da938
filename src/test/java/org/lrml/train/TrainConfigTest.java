package org.lrml.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lrml.backend.LossSpec;
import org.lrml.data.FashionMnist;
import org.lrml.mining.TupleMiner;
import org.lrml.nn.RetrievalNet;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The builder's defaults are the recipe's, copies change one thing, and the JSON form round-trips. */
class TrainConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Test
    void defaultsAreTheRecipeOfTheSpec() {
        TrainConfig d = TrainConfig.defaults();
        assertEquals("auto", d.backend());
        assertEquals(new TrainConfig.Data(FashionMnist.DEFAULT_DIR, TrainConfig.Protocol.SEEN), d.data());
        assertEquals(new TrainConfig.Schedule(10, 2000, 10000, 25, 1, 500, 0), d.schedule());
        assertEquals(TupleMiner.Config.defaults(), d.miner());
        assertEquals(LossSpec.lrml(), d.loss());
        assertEquals(new TrainConfig.Optimization(1e-3, 10, 1e-6), d.optimization());
        assertEquals(RetrievalNet.Config.fashionMnist(), d.net());
    }

    @Test
    void toBuilderCopiesEverythingAndChangesWhatIsSet() {
        TrainConfig c = TrainConfig.builder().backend("cpu").protocol(TrainConfig.Protocol.UNSEEN).seed(9).lr(0.5)
                .loss(LossSpec.triplet(0.2)).build();
        assertEquals(c, c.toBuilder().build());
        TrainConfig more = c.toBuilder().epochs(20).data(Path.of("/elsewhere")).build();
        assertEquals(20, more.schedule().epochs());
        assertEquals(Path.of("/elsewhere"), more.data().dir());
        assertEquals(c.toBuilder().epochs(20).data(Path.of("/elsewhere")).build(), more);
        assertEquals(c.loss(), more.loss());
        assertEquals(9, more.schedule().seed());
    }

    @Test
    void jsonFormRoundTrips() throws Exception {
        TrainConfig c = TrainConfig.builder().backend("cpu").epochs(3).queries(30).pool(120).tuplesPerStep(8).lr(3e-3)
                .seed(7).describeBatch(64).net(new RetrievalNet.Config(1, new int[]{4, 8, 8}, 8,
                        RetrievalNet.Pooling.MAC, 2.5)).build();
        String text = JSON.writeValueAsString(c.toMap());
        TrainConfig back = TrainConfig.fromMap(JSON.readValue(text, new TypeReference<Map<String, Object>>() { }));
        assertEquals(c, back);
        assertEquals(text, JSON.writeValueAsString(back.toMap()));
    }

    @Test
    void badValuesNameTheirFlag() {
        IllegalArgumentException q = assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.builder().queries(0).build());
        assertTrue(q.getMessage().contains("--queries") && q.getMessage().contains("got 0"), q.getMessage());
        IllegalArgumentException lr = assertThrows(IllegalArgumentException.class,
                () -> TrainConfig.builder().lr(-1).build());
        assertTrue(lr.getMessage().contains("--lr") && lr.getMessage().contains("-1"), lr.getMessage());
        Map<String, Object> m = TrainConfig.defaults().toMap();
        m.remove("pool");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromMap(m));
        assertTrue(missing.getMessage().contains("'pool'"), missing.getMessage());
    }
}
