package io.hdkd.plugin.resnet;

import io.hdkd.api.BackboneFactory;
import io.hdkd.testkit.BackboneContract;
import java.util.Map;

/** The testkit's backbone contract on a narrow ResNet18 (and, as every ResNet shares the code, for them all). */
class ResNetContractTest extends BackboneContract {

    @Override
    protected BackboneFactory factory() {
        return new ResNetFactory(ResNetSpec.ALL.get(0));
    }

    @Override
    protected Map<String, String> options() {
        return Map.of("width", "0.125");
    }
}
