package io.hdkd.plugin.fpn;

import io.hdkd.api.NeckFactory;
import io.hdkd.testkit.NeckContract;
import java.util.Map;

/** The testkit's neck contract on a 16-channel FPN over c3-c5 with P6 and P7. */
class FpnContractTest extends NeckContract {

    @Override
    protected NeckFactory factory() {
        return new FpnFactory();
    }

    @Override
    protected Map<String, String> options() {
        return Map.of("channels", "16");
    }
}
