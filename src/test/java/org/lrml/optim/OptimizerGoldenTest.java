package org.lrml.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.lrml.backend.Backends;
import org.lrml.backend.DType;
import org.lrml.tensor.Tensor;
import org.lrml.testutil.Golden;
import org.lrml.testutil.TestData;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * SGD (momentum, dampening, Nesterov, weight decay), Adam and AdamW over several steps, parameter groups
 * and learning-rate changes, against torch.optim of PyTorch 1.13 (golden/optim_golden.json, made by
 * golden/make_nn_golden.py), in float32 and float64.
 */
class OptimizerGoldenTest {

    @TestFactory
    Stream<DynamicTest> everyGoldenRun() {
        JsonNode root = Golden.read("optim_golden.json");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            String name = c.get("name").asText() + " " + c.get("dtype").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> replay(name, c)));
        }
        return tests.stream();
    }

    static Optimizer build(JsonNode spec, List<ParamGroup> groups) {
        String kind = spec.get("kind").asText();
        if (kind.equals("sgd")) {
            return new Sgd(groups, spec.get("momentum").asDouble(), spec.get("dampening").asDouble(),
                    spec.get("nesterov").asBoolean());
        }
        return new Adam(groups, spec.get("beta1").asDouble(), spec.get("beta2").asDouble(), spec.get("eps").asDouble(),
                kind.equals("adamw"));
    }

    private static void replay(String name, JsonNode c) {
        DType dt = c.get("dtype").asText().equals("float32") ? DType.F32 : DType.F64;
        List<Tensor> params = new ArrayList<>();
        List<ParamGroup> groups = new ArrayList<>();
        int k = 0;
        for (JsonNode g : c.get("groups")) {
            List<Tensor> ps = new ArrayList<>();
            for (JsonNode shape : g.get("shapes")) {
                Tensor p = Tensor.fromDoubles(Backends.cpu(), dt, Golden.doubles(c.get("initial").get(k++)),
                        Golden.ints(shape)).requiresGrad(true);
                ps.add(p);
                params.add(p);
            }
            groups.add(new ParamGroup(ps, g.get("lr").asDouble(), g.get("weight_decay").asDouble()));
        }
        Optimizer opt = build(c.get("optimizer"), groups);
        JsonNode schedule = c.get("lr_schedule");
        for (int step = 0; step < c.get("after").size(); step++) {
            JsonNode factor = schedule.get(String.valueOf(step));
            if (factor != null) {
                for (ParamGroup g : opt.paramGroups()) {
                    g.setLr(g.lr() * factor.asDouble());
                }
            }
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                p.setGrad(Tensor.fromDoubles(Backends.cpu(), dt, Golden.doubles(c.get("grads").get(step).get(i)),
                        p.shape()));
            }
            opt.step();
            for (int i = 0; i < params.size(); i++) {
                TestData.assertClose(name + " step " + (step + 1) + " param " + i,
                        Golden.doubles(c.get("after").get(step).get(i)), params.get(i));
            }
        }
    }
}
