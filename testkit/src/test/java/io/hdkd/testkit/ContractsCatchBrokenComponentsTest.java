package io.hdkd.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationLossFactory;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.FeaturePartitioner;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import io.hdkd.api.Partition;
import io.hdkd.api.PartitionerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The contracts fail for components broken on purpose, and pass for their correct twins. */
class ContractsCatchBrokenComponentsTest {

    /** A squared error between student and teacher at p3; {@code broken} changes what compute returns. */
    private static DistillationLossContract loss(Function<DistillationInput, NDArray> compute) {
        DistillationLossFactory factory = new DistillationLossFactory() {
            public String name() {
                return "sq";
            }

            public String description() {
                return "squared error of mean-channel maps";
            }

            public List<OptionSpec> options() {
                return List.of();
            }

            public DistillationLoss create(Options options, ComponentContext context) {
                return new DistillationLoss() {
                    public List<String> taps() {
                        return List.of("p3");
                    }

                    public boolean requiresSameHeadType() {
                        return false;
                    }

                    public NDArray compute(DistillationInput input) {
                        return compute.apply(input);
                    }
                };
            }
        };
        return new DistillationLossContract() {
            protected DistillationLossFactory factory() {
                return factory;
            }
        };
    }

    private static NDArray difference(DistillationInput in, boolean detach) {
        NDArray s = in.student().get("p3").mean(new int[] {1});
        NDArray t = in.teacher().get("p3").mean(new int[] {1});
        NDArray d = s.sub(detach ? t.stopGradient() : t);
        return d.mul(d);
    }

    @Test
    void aCorrectLossPasses() {
        DistillationLossContract c = loss(in -> difference(in, true).mean());
        c.computeReturnsAFiniteScalarAndFiniteDiagnostics();
        c.noGradientReachesTheTeacher();
        c.lossFallsWhenTheStudentTrainsOnAFixedBatch();
        c.theTapsItReadsExistInThePair();
    }

    @Test
    void aLossReturningNaNFails() {
        DistillationLossContract c = loss(in -> difference(in, true).mean().mul(Float.NaN));
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                c::computeReturnsAFiniteScalarAndFiniteDiagnostics);
        assertTrue(e.getMessage().contains("compute is not finite"), e.getMessage());
    }

    @Test
    void aLossReturningAVectorFails() {
        DistillationLossContract c = loss(in -> difference(in, true).mean(new int[] {2}).mean(new int[] {1}));
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                c::computeReturnsAFiniteScalarAndFiniteDiagnostics);
        assertTrue(e.getMessage().contains("0-d scalar"), e.getMessage());
    }

    @Test
    void aLossThatLetsGradientIntoTheTeacherFails() {
        DistillationLossContract c = loss(in -> difference(in, false).mean());
        AssertionFailedError e = assertThrows(AssertionFailedError.class, c::noGradientReachesTheTeacher);
        assertTrue(e.getMessage().contains("received a gradient"), e.getMessage());
    }

    /** Assigns every location to {@code k}: valid for k in [0, 2), broken for k = 2. */
    private static PartitionerContract partitioner(int k) {
        PartitionerFactory factory = new PartitionerFactory() {
            public String name() {
                return "constant";
            }

            public String description() {
                return "every location in one subspace";
            }

            public List<OptionSpec> options() {
                return List.of();
            }

            public FeaturePartitioner create(Options options, ComponentContext context) {
                return new FeaturePartitioner() {
                    public int subspaces() {
                        return 2;
                    }

                    public Partition partition(List<NDArray> features, List<FeatureLevel> levels,
                            List<ImageTargets> targets) {
                        List<NDArray> a = new ArrayList<>();
                        for (NDArray f : features) {
                            ai.djl.ndarray.types.Shape nhw = new ai.djl.ndarray.types.Shape(
                                    f.getShape().get(0), f.getShape().get(2), f.getShape().get(3));
                            a.add(f.getManager().full(nhw, k, DataType.INT32));
                        }
                        return new Partition(2, a, new float[] {0.5f, 0.5f});
                    }
                };
            }
        };
        return new PartitionerContract() {
            protected PartitionerFactory factory() {
                return factory;
            }
        };
    }

    @Test
    void aPartitionerAssigningOutsideItsSubspacesFails() {
        partitioner(1).everyLocationOfEveryLevelIsAssignedToExactlyOneSubspace();
        AssertionError e = assertThrows(AssertionError.class,
                partitioner(2)::everyLocationOfEveryLevelIsAssignedToExactlyOneSubspace);
        assertTrue(e.getMessage().contains("not exactly one"), e.getMessage());
    }
}
