package io.hdkd.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MachineKeyTest {

    private static final List<String> EPYC = List.of("processor\t: 0", "vendor_id\t: AuthenticAMD",
            "model name\t: AMD EPYC", "", "processor\t: 1", "model name\t: AMD EPYC", "");
    private static final String CP = String.join(File.pathSeparator, "/x/lib/hdkd-core.jar",
            "/x/lib/pytorch-jni-2.7.1-0.36.0.jar", "/x/lib/pytorch-native-cpu-2.7.1-linux-x86_64.jar");

    @Test
    void keysOnCpuModelProcessorCountAndTheBundledLibtorch() {
        MachineKey key = MachineKey.of(EPYC, Map.of(), CP);

        assertThat(key).isEqualTo(new MachineKey("AMD EPYC", 2, "cpu-2.7.1"));
        assertThat(key.fileName()).isEqualTo("cpu-2.7.1_2cpu_AMD_EPYC.env");
    }

    @Test
    void theCpuFamilyModelAndSteppingTellApartCpusThatShareAName() {
        List<String> zen4 = List.of("processor\t: 0", "cpu family\t: 25", "model\t\t: 17", "model name\t: AMD EPYC",
                "stepping\t: 1", "flags\t\t: fpu avx512f");

        MachineKey key = MachineKey.of(zen4, Map.of(), CP);

        assertThat(key.cpuModel()).isEqualTo("AMD EPYC (family 25, model 17, stepping 1)");
        assertThat(key.fileName()).isEqualTo("cpu-2.7.1_1cpu_AMD_EPYC__family_25__model_17__stepping_1_.env");
    }

    @Test
    void djlsFlavourVersionAndLibraryPathVariablesChangeTheKey() {
        assertThat(MachineKey.of(EPYC, Map.of("PYTORCH_FLAVOR", "cu124"), CP).libtorch()).isEqualTo("cu124-2.7.1");
        assertThat(MachineKey.of(EPYC, Map.of("PYTORCH_VERSION", "2.5.1"), CP).libtorch()).isEqualTo("cpu-2.5.1");
        assertThat(MachineKey.of(EPYC, Map.of("PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib"), CP).libtorch())
                .isEqualTo("path-/opt/libtorch/lib");
        assertThat(MachineKey.of(EPYC, Map.of(), "/m2/pytorch-native-cu124-2.7.1-linux-x86_64.jar").libtorch())
                .isEqualTo("cu124-2.7.1");
        // no native jar named on the class path (a test runner's manifest jar): the jar's properties, as here
        assertThat(MachineKey.of(EPYC, Map.of(), "/nothing.jar").libtorch()).isEqualTo("cpu-2.7.1");
    }

    @Test
    void otherMachinesGetOtherFiles() {
        MachineKey four = MachineKey.of(List.of("processor : 0", "processor : 1", "processor : 2", "processor : 3",
                "model name : AMD EPYC"), Map.of(), CP);
        MachineKey intel = new MachineKey("Intel(R) Xeon(R) CPU @ 2.20GHz", 2, "cpu-2.7.1");

        assertThat(four.fileName()).isEqualTo("cpu-2.7.1_4cpu_AMD_EPYC.env");
        assertThat(intel.fileName()).isEqualTo("cpu-2.7.1_2cpu_Intel_R__Xeon_R__CPU___2.20GHz.env");
    }

    @Test
    void fileNamesAreSanitisedByteByByteAndBounded() {
        // as bin/hdkd's 'LC_ALL=C tr -c A-Za-z0-9._- _': a two-byte UTF-8 character becomes two underscores
        assertThat(new MachineKey("Ryzen\u00e9/x", 1, "path-/opt/lt").fileName())
                .isEqualTo("path-_opt_lt_1cpu_Ryzen___x.env");
        assertThat(new MachineKey("x".repeat(500), 1, "cpu-2.7.1").fileName()).hasSize(200 + ".env".length());
        assertThat(MachineKey.of(List.of(), Map.of(), CP)).isEqualTo(new MachineKey("unknown", 0, "cpu-2.7.1"));
    }
}
