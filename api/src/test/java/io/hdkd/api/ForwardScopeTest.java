package io.hdkd.api;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardScopeTest {

    /** relu(x * w + 1) * w, summed: intermediates whose values the backward pass reads (w, the relu's result). */
    private static NDArray body(NDArray x, NDArray w, List<NDArray> seen) {
        NDArray a = x.mul(w);
        NDArray b = Activation.relu(a.add(Scalars.of(a, 1)));
        NDArray c = b.mul(w);
        seen.add(a);
        seen.add(b);
        return c;
    }

    @Test
    void releasesTheIntermediatesAndKeepsTheOutputInTheInputsManager() {
        try (NDManager step = NDManager.newBaseManager()) {
            NDArray x = step.randomNormal(new Shape(4, 5));
            NDArray w = step.randomNormal(new Shape(4, 5));
            List<NDArray> seen = new ArrayList<>();
            NDArray y = ForwardScope.run(x, in -> body(in, w, seen));
            assertThat(seen).allMatch(NDArray::isReleased);
            assertThat(y.isReleased()).isFalse();
            assertThat(y.getManager()).isSameAs(step);
            assertThat(x.getManager()).isSameAs(step);
            assertThat(x.isReleased()).isFalse();
            // x, w and y, nothing else (the scope's manager is gone too)
            assertThat(step.getManagedArrays()).hasSize(3);
        }
    }

    @Test
    void gradientsAreThoseOfTheUnscopedForward() {
        try (NDManager step = NDManager.newBaseManager(); NDManager params = NDManager.newBaseManager()) {
            NDArray x = step.randomNormal(new Shape(3, 7));
            NDArray w = params.randomNormal(new Shape(3, 7));
            w.setRequiresGradient(true);
            float[] plain;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(body(x, w, new ArrayList<>()).sum());
            }
            plain = w.getGradient().toFloatArray();
            w.getGradient().subi(w.getGradient());
            List<NDArray> seen = new ArrayList<>();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = ForwardScope.run(x, in -> body(in, w, seen));
                System.gc(); // whatever the graph reads must not depend on a closed Java handle
                gc.backward(y.sum());
            }
            assertThat(seen).allMatch(NDArray::isReleased);
            assertThat(w.getGradient().toFloatArray()).containsExactly(plain);
        }
    }

    @Test
    void aChainReleasesEachPiecesOutputOnceReadWithTheGradientsOfTheUnreleasedChain() {
        try (NDManager step = NDManager.newBaseManager(); NDManager params = NDManager.newBaseManager()) {
            NDArray x = step.randomNormal(new Shape(3, 7));
            NDArray w = params.randomNormal(new Shape(3, 7));
            w.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = body(body(body(x, w, new ArrayList<>()), w, new ArrayList<>()), w, new ArrayList<>());
                gc.backward(y.sum());
            }
            float[] plain = w.getGradient().toFloatArray();
            w.getGradient().subi(w.getGradient());
            List<NDArray> outputs = new ArrayList<>();
            try (NDManager batch = NDManager.newBaseManager()) {
                NDArray input = x.duplicate();
                input.attach(batch);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDList chain = new NDList(input);
                    for (int piece = 0; piece < 3; piece++) {
                        NDList next = ForwardScope.run(chain, in -> new NDList(body(in.head(), w, new ArrayList<>())));
                        if (chain.head() != input) {
                            ForwardScope.release(chain, next);
                        }
                        outputs.add(next.head());
                        chain = next;
                    }
                    System.gc(); // whatever the graph reads must not depend on a closed Java handle
                    gc.backward(chain.head().sum());
                }
                // The first two pieces' outputs are released; of the chain's activations only its input and result
                // are left (beside them: the loss and the backward pass's seed, both scalars).
                assertThat(outputs.subList(0, 2)).allMatch(NDArray::isReleased);
                assertThat(outputs.get(2).isReleased()).isFalse();
                assertThat(batch.getManagedArrays().stream().filter(a -> a.getShape().equals(x.getShape())))
                        .containsExactlyInAnyOrder(input, outputs.get(2));
            }
            assertThat(w.getGradient().toFloatArray()).containsExactly(plain);
            // An array passed through to the next piece is not closed.
            NDArray kept = step.ones(new Shape(2));
            ForwardScope.release(new NDList(kept), new NDList(kept));
            assertThat(kept.isReleased()).isFalse();
        }
    }

    @Test
    void inputsGoBackToTheirOwnManagersAlsoWhenPassedThrough() {
        try (NDManager step = NDManager.newBaseManager(); NDManager other = NDManager.newBaseManager()) {
            NDArray a = step.ones(new Shape(2));
            NDArray b = other.ones(new Shape(2));
            NDList out = ForwardScope.run(new NDList(a, b), in -> new NDList(in.get(1), in.get(0).add(in.get(1))));
            assertThat(out.get(0)).isSameAs(b);
            assertThat(b.getManager()).isSameAs(other);
            assertThat(a.getManager()).isSameAs(step);
            assertThat(out.get(1).getManager()).isSameAs(step);
            assertThat(out).noneMatch(NDArray::isReleased);
            assertThat(other.getManagedArrays()).containsExactly(b);
        }
    }

    @Test
    void anOutputTheBodyFoundElsewhereKeepsItsOwner() {
        try (NDManager step = NDManager.newBaseManager(); NDManager model = NDManager.newBaseManager()) {
            NDArray cached = model.zeros(new Shape(3));
            NDArray y = ForwardScope.run(step.ones(new Shape(3)), in -> cached);
            assertThat(y).isSameAs(cached);
            assertThat(cached.getManager()).isSameAs(model);
            assertThat(cached.isReleased()).isFalse();
        }
    }
}
