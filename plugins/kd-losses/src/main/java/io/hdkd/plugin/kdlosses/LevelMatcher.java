package io.hdkd.plugin.kdlosses;

import io.hdkd.api.FeatureLevel;
import io.hdkd.api.Options;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pairs the configured teacher levels with student levels.
 *
 * <p>Without {@code levels} the loss reads every pyramid level the teacher has ({@link #pyramidLevels}).
 *
 * <p>By default a teacher level is matched BY STRIDE: among the student levels of the same family (the name's
 * letters, so {@code p4} looks at {@code p*} first, falling back to all levels if the student has none of that
 * family), the one with equal stride; if there is none, the one with the nearest stride (in log2 steps; ties go to
 * the finer level), whose map the loss then resizes bilinearly to the teacher's size. The option
 * {@code student-levels} overrides this with an explicit list, one student tap per teacher level.
 */
final class LevelMatcher {

    static final String LEVELS = "levels";
    static final String STUDENT_LEVELS = "student-levels";

    private LevelMatcher() {}

    static List<LevelPair> match(Options options, List<FeatureLevel> teacherLevels, List<FeatureLevel> studentLevels) {
        List<String> names = options.getList(LEVELS);
        if (names.isEmpty()) {
            names = pyramidLevels(teacherLevels);
        }
        Map<String, FeatureLevel> teacherByName = byName(teacherLevels);
        Map<String, FeatureLevel> studentByName = byName(studentLevels);
        Set<String> seen = new HashSet<>();
        List<String> explicit = options.getList(STUDENT_LEVELS);
        if (!explicit.isEmpty() && explicit.size() != names.size()) {
            throw options.invalid(STUDENT_LEVELS, "needs one student level per teacher level in " + options.prefix()
                    + LEVELS + " " + names);
        }
        List<LevelPair> pairs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            FeatureLevel teacher = teacherByName.get(name);
            if (teacher == null) {
                throw options.invalid(LEVELS, "the teacher has no level '" + name + "'; available: "
                        + teacherByName.keySet());
            }
            if (!seen.add(name)) {
                throw options.invalid(LEVELS, "level '" + name + "' is listed twice");
            }
            FeatureLevel student;
            if (explicit.isEmpty()) {
                student = nearestByStride(teacher, studentLevels);
                if (student == null) {
                    throw options.invalid(LEVELS, "the student has no feature levels to match teacher level '"
                            + name + "' with");
                }
            } else {
                student = studentByName.get(explicit.get(i));
                if (student == null) {
                    throw options.invalid(STUDENT_LEVELS, "the student has no level '" + explicit.get(i)
                            + "'; available: " + studentByName.keySet());
                }
            }
            pairs.add(new LevelPair(teacher, student));
        }
        return List.copyOf(pairs);
    }

    /** The student level for {@code teacher}: same family first, equal stride, else nearest stride; null if none. */
    static FeatureLevel nearestByStride(FeatureLevel teacher, List<FeatureLevel> studentLevels) {
        String family = family(teacher.name());
        List<FeatureLevel> candidates = studentLevels.stream().filter(l -> family(l.name()).equals(family)).toList();
        if (candidates.isEmpty()) {
            candidates = studentLevels;
        }
        FeatureLevel best = null;
        double bestDistance = Double.MAX_VALUE;
        for (FeatureLevel l : candidates) {
            double d = Math.abs(log2(l.stride()) - log2(teacher.stride()));
            if (d < bestDistance || (d == bestDistance && l.stride() < best.stride())) {
                best = l;
                bestDistance = d;
            }
        }
        return best;
    }

    /** The letters before the level number: {@code p} for {@code p3}, {@code c} for {@code c5}. */
    static String family(String name) {
        int end = 0;
        while (end < name.length() && Character.isLetter(name.charAt(end))) {
            end++;
        }
        return name.substring(0, end);
    }

    private static double log2(int v) {
        return Math.log(v) / Math.log(2);
    }

    /**
     * The default teacher levels: its pyramid outputs ({@code p2..p7}, whatever of them it has), else every level it
     * exposes (an ONNX teacher's outputs may be named otherwise). Backbone taps such as {@code c3} are left out so
     * that the default compares like with like.
     */
    static List<String> pyramidLevels(List<FeatureLevel> teacherLevels) {
        List<String> pyramid = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (FeatureLevel l : teacherLevels) {
            all.add(l.name());
            if (l.name().matches("p[2-7]")) {
                pyramid.add(l.name());
            }
        }
        return pyramid.isEmpty() ? all : pyramid;
    }

    private static Map<String, FeatureLevel> byName(List<FeatureLevel> levels) {
        Map<String, FeatureLevel> map = new LinkedHashMap<>();
        for (FeatureLevel l : levels) {
            map.putIfAbsent(l.name(), l);
        }
        return map;
    }
}
