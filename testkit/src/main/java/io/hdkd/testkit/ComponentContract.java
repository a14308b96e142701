package io.hdkd.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.ComponentFactory;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * What every component factory owes the host: a lower-case name, a description, and options that are each
 * described, unique, and whose defaults validate. The kind-specific contracts extend this one.
 *
 * @param <F> the factory interface, e.g. {@code HeadFactory}
 */
public abstract class ComponentContract<F extends ComponentFactory<?>> {

    /** The factory under test, as the plugin's module registers it. */
    protected abstract F factory();

    /** The configuration slot's prefix with its dot, e.g. {@code model.head.}; used in messages only. */
    protected abstract String slotPrefix();

    /**
     * Options for the component under test, keys without the slot prefix; the declared defaults fill in the rest.
     * Override to test a small configuration (e.g. fewer convolutions) so that the contracts run fast.
     */
    protected Map<String, String> options() {
        return Map.of();
    }

    /** The run seed the context carries. */
    protected long seed() {
        return 7L;
    }

    /** The validated options: defaults plus {@link #options()}, as the host would pass them. */
    protected final Options validatedOptions() {
        return Options.of(slotPrefix(), factory().options(), options());
    }

    /** A context with no input levels and {@link #seed()}, on the CPU. */
    protected ComponentContext baseContext(int numClasses) {
        return new ComponentContext(numClasses, List.of(), Device.cpu(), seed());
    }

    @Test
    void hasALowerCaseNameADescriptionAndDescribedUniqueOptions() {
        F f = factory();
        assertNotNull(f.name(), "name()");
        assertTrue(f.name().matches("[a-z0-9][a-z0-9._-]*"),
                "name() must be lower case letters, digits, '.', '_' or '-': '" + f.name() + "'");
        assertNotNull(f.description(), "description()");
        assertFalse(f.description().isBlank(), "description() is blank");
        List<OptionSpec> specs = f.options();
        assertNotNull(specs, "options()");
        Set<String> keys = new HashSet<>();
        for (OptionSpec o : specs) {
            assertTrue(keys.add(o.key()), "option '" + o.key() + "' is declared twice");
            assertFalse(reservedKeys().contains(o.key()),
                    "option '" + o.key() + "' is a key the host reads itself in " + slotPrefix());
            assertNotNull(o.description(), "option '" + o.key() + "' has no description");
            assertFalse(o.description().isBlank(), "option '" + o.key() + "' has a blank description");
        }
    }

    @Test
    void theDeclaredDefaultsAndTheTestOptionsValidate() {
        for (OptionSpec s : factory().options()) {
            assertTrue(!s.required() || options().containsKey(s.key()),
                    "required option '" + s.key() + "' must be given in options() for the contracts to run");
        }
        Options o = validatedOptions();
        for (OptionSpec s : factory().options()) {
            assertTrue(o.has(s.key()) || !s.required(), "option '" + s.key() + "' has no value");
        }
    }

    /** Keys the host reads itself under this kind's slot (e.g. a loss's {@code weight}): no option may take them. */
    protected List<String> reservedKeys() {
        return List.of();
    }

    /**
     * Runs {@code body} with a fresh manager and fails if the long-lived manager {@code kept} holds more arrays
     * afterwards: a component that leaves arrays there (instead of in the manager of its inputs) leaks one set per
     * training step.
     */
    protected static void assertNoGrowth(NDManager kept, String what, Consumer<NDManager> body) {
        int before = kept.getManagedArrays().size();
        try (NDManager step = kept.newSubManager()) {
            body.accept(step);
        }
        int after = kept.getManagedArrays().size();
        assertEquals(before, after, what + " left " + (after - before) + " array(s) in a long-lived manager"
                + " (create temporaries in the manager of the inputs, or close them)");
    }
}
