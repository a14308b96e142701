package io.hdkd.plugin.resnet;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Derives PyTorch state-dict names from a DJL block tree whose children carry the PyTorch module names.
 *
 * <p>DJL names a parameter by joining, with {@code _}, each ancestor's child key ({@code "%02d" + name}, numbered in
 * registration order) and the parameter's own name; PyTorch joins module names and its own parameter names with
 * {@code .}. Walking the tree gives both at once, so no string parsing of DJL keys is needed.
 */
public final class TorchNames {

    private TorchNames() {}

    /** PyTorch name (e.g. {@code layer1.0.bn1.running_mean}) to DJL parameter path, in the block's parameter order. */
    public static Map<String, String> of(Block root) {
        Map<String, String> names = new LinkedHashMap<>();
        walk(root, "", "", names);
        return names;
    }

    private static void walk(Block block, String torchPrefix, String djlPrefix, Map<String, String> names) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            names.put(torchPrefix + torchParameterName(p.getKey()), djlPrefix + p.getKey());
        }
        int index = 0;
        for (Pair<String, Block> child : block.getChildren()) {
            index++;
            String numbering = String.format(Locale.ROOT, "%02d", index);
            String key = child.getKey();
            // AbstractBlock prefixes the registration number; strip exactly that prefix (a child may be named "0").
            String moduleName = key.startsWith(numbering) ? key.substring(numbering.length()) : key;
            walk(child.getValue(), torchPrefix + moduleName + ".", djlPrefix + key + "_", names);
        }
    }

    private static String torchParameterName(String djlName) {
        switch (djlName) {
            case "gamma":
                return "weight";
            case "beta":
                return "bias";
            case "runningMean":
                return "running_mean";
            case "runningVar":
                return "running_var";
            default:
                return djlName;
        }
    }
}
