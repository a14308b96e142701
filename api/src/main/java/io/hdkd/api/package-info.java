/**
 * hdkd's plugin SPI: the interfaces plugins implement and the value types that cross them.
 *
 * <p>A plugin is a jar with a {@code META-INF/services/io.hdkd.api.HdkdPlugin} entry. Its {@link
 * io.hdkd.api.HdkdPlugin#module()} registers factories with {@link io.hdkd.api.Components}; each factory declares
 * its {@link io.hdkd.api.OptionSpec options} and creates a component from validated {@link io.hdkd.api.Options}
 * and a {@link io.hdkd.api.ComponentContext}. This package depends on DJL's api and Guice only.
 */
package io.hdkd.api;
