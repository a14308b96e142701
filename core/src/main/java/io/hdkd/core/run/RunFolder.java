package io.hdkd.core.run;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import io.hdkd.api.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run folder contract: what {@code hdkd train} and {@code hdkd distill} write, and what everything that reads a
 * run afterwards ({@code --resume}, reports, sweeps, launchers, quickstart) reads. The one place that knows the names.
 *
 * <pre>
 * RUN/config.properties   the resolved configuration (feed it back with --config to repeat the run)
 * RUN/data/               synthetic scenes, when dataset.synthetic is set
 * RUN/checkpoints/        model, optimizer, schedule position: what --resume continues from
 * RUN/metrics.jsonl       one JSON object per step; RUN/eval.jsonl one per evaluation
 * RUN/eval/detections_val.json  the last evaluation's detections, COCO results format
 * RUN/model/              the trained detector alone (what eval, predict and distillation load)
 * RUN/report.html         loss, learning rate and mAP curves
 * </pre>
 *
 * <p>The two JSON-lines files are appended as the run goes, so a kill can cut their last line: that line is skipped.
 * Any other line that is not a JSON object is damage, reported with the file and the line number.
 */
public final class RunFolder {

    public static final String CONFIG = "config.properties";
    public static final String DATA = "data";
    public static final String CHECKPOINTS = "checkpoints";
    public static final String STEPS = "metrics.jsonl";
    public static final String EVALUATIONS = "eval.jsonl";
    public static final String VAL_DETECTIONS = "eval/detections_val.json";
    public static final String MODEL = "model";
    public static final String REPORT = "report.html";

    private static final Gson GSON = new Gson();

    private final Path dir;

    private RunFolder(Path dir) {
        this.dir = dir;
    }

    public static RunFolder at(Path dir) {
        return new RunFolder(dir);
    }

    public Path dir() {
        return dir;
    }

    public Path config() {
        return dir.resolve(CONFIG);
    }

    public Path data() {
        return dir.resolve(DATA);
    }

    public Path checkpoints() {
        return dir.resolve(CHECKPOINTS);
    }

    public Path steps() {
        return dir.resolve(STEPS);
    }

    public Path evaluations() {
        return dir.resolve(EVALUATIONS);
    }

    public Path valDetections() {
        return dir.resolve(VAL_DETECTIONS);
    }

    public Path model() {
        return dir.resolve(MODEL);
    }

    public Path report() {
        return dir.resolve(REPORT);
    }

    /** True if the folder holds a run that {@code --resume} can continue (its configuration). */
    public boolean holdsRun() {
        return Files.isRegularFile(config());
    }

    /** True once the run has been evaluated: what a finished train or distill leaves. */
    public boolean hasEvaluations() {
        return Files.isRegularFile(evaluations());
    }

    /** Every step's record, in order; empty if {@code metrics.jsonl} does not exist. */
    public List<JsonObject> stepRecords() {
        return readLines(steps());
    }

    /** Every evaluation's record, in order; empty if {@code eval.jsonl} does not exist. */
    public List<JsonObject> evaluationRecords() {
        return readLines(evaluations());
    }

    /**
     * The last evaluation as numbers by name ({@code epoch} from 1, {@code step}, then the metrics: {@code AP},
     * {@code AP50}, ...), in the file's order; empty if the run has not been evaluated.
     *
     * @throws InvalidInputException naming the file if it is damaged or a value is not a number
     */
    public Optional<Map<String, Double>> lastEvaluation() {
        List<JsonObject> records = evaluationRecords();
        if (records.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(numbers(records.get(records.size() - 1), evaluations()));
    }

    /**
     * As {@link #lastEvaluation()}, for a reader that cannot go on without it.
     *
     * @param whose how the message names the run, e.g. {@code teacher}
     * @throws InvalidInputException naming {@code eval.jsonl} if there is no evaluation
     */
    public Map<String, Double> requireLastEvaluation(String whose) {
        return lastEvaluation().orElseThrow(() -> new InvalidInputException(evaluations() + ": no evaluation of "
                + whose + " (expected the run's " + EVALUATIONS + " with at least one line)"));
    }

    /**
     * The mean of each of {@code keys} over the logged steps that have it ({@code NaN} for a key no step has), e.g.
     * {@code step_ms} and {@code teacher_ms}.
     *
     * @throws InvalidInputException naming the file if it is damaged or a value is not a number
     */
    public Map<String, Double> stepMeans(Collection<String> keys) {
        StepMeans means = new StepMeans();
        stepRecords().forEach(r -> means.add(numbers(r, steps())));
        Map<String, Double> out = new LinkedHashMap<>();
        keys.forEach(k -> out.put(k, means.mean(k)));
        return out;
    }

    /**
     * The steps up to {@code step} (inclusive) as numbers: what a run resumed from the checkpoint at {@code step}
     * keeps of {@code metrics.jsonl}.
     */
    public List<Map<String, Double>> stepValuesUpTo(long step) {
        return valuesUpTo(steps(), step);
    }

    /** The evaluations made up to {@code step} (inclusive) as numbers, in order. */
    public List<Map<String, Double>> evaluationValuesUpTo(long step) {
        return valuesUpTo(evaluations(), step);
    }

    private static List<Map<String, Double>> valuesUpTo(Path file, long step) {
        List<Map<String, Double>> out = new ArrayList<>();
        for (JsonObject r : readLines(file)) {
            Map<String, Double> values = numbers(r, file);
            Double at = values.get("step");
            if (at != null && at <= step) {
                out.add(values);
            }
        }
        return out;
    }

    /**
     * The records of a JSON-lines file, in order; empty if it does not exist. A cut last line (a kill while it was
     * written) is skipped.
     *
     * @throws InvalidInputException naming the file and line if another line is not a JSON object
     */
    public static List<JsonObject> readLines(Path file) {
        if (!Files.exists(file)) {
            return new ArrayList<>();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        int last = lines.size() - 1;
        while (last >= 0 && lines.get(last).isBlank()) {
            last--;
        }
        List<JsonObject> out = new ArrayList<>();
        for (int i = 0; i <= last; i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            JsonObject o = parse(line);
            if (o != null) {
                out.add(o);
            } else if (i < last) {
                throw new InvalidInputException(file + " is damaged: line " + (i + 1) + " is not a JSON object");
            }
        }
        return out;
    }

    /** Every field of a record as a number, in order ({@code NaN} is written unquoted, and read back as a string). */
    static Map<String, Double> numbers(JsonObject record, Path file) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : record.entrySet()) {
            Double value = null;
            if (e.getValue() instanceof JsonPrimitive p && !p.isBoolean()) {
                try {
                    value = p.getAsDouble();
                } catch (NumberFormatException notANumber) {
                    // reported below
                }
            }
            if (value == null) {
                throw new InvalidInputException(file + " is damaged: '" + e.getKey() + "' is " + e.getValue()
                        + ", not a number");
            }
            out.put(e.getKey(), value);
        }
        return out;
    }

    private static JsonObject parse(String line) {
        try {
            JsonElement e = GSON.fromJson(line, JsonElement.class);
            return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
        } catch (JsonParseException | NumberFormatException e) {
            return null;
        }
    }
}
