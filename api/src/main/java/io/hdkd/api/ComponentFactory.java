package io.hdkd.api;

import java.util.List;

/**
 * Creates one kind of component from its validated options.
 *
 * <p>Factories are stateless and registered once per plugin; {@link #create} is called for every model built.
 *
 * @param <T> the component type
 */
public interface ComponentFactory<T> {

    /** The name a configuration's {@code type} key selects this factory by, e.g. {@code resnet50}. */
    String name();

    /** One sentence for {@code hdkd plugins --describe}. */
    String description();

    /** Every option this component reads; undeclared keys under its slot are configuration errors. */
    List<OptionSpec> options();

    /**
     * Cross-option checks this component declares (SPI 2), run by the host's validation pass before any work
     * ({@code hdkd config check} included): rules that span values or that no {@link OptionSpec} range expresses,
     * e.g. "max-points must be at least subspaces". Single-value ranges belong on the {@link OptionSpec}
     * ({@link OptionSpec#atLeast}), not here. Each problem names its key ({@link Options#problem}); return them all,
     * the host reports every one. Must not allocate tensors or read files; the default finds nothing.
     *
     * @param options the validated options (ranges already checked), defaults filled in
     */
    default List<OptionProblem> check(Options options) {
        return List.of();
    }

    /**
     * Builds the component.
     *
     * @param options the validated options, defaults filled in
     * @param context what the host knows that the component needs (classes, input levels, device, seed)
     * @throws InvalidInputException if the options make no sense together (name the keys)
     */
    T create(Options options, ComponentContext context);
}
