package io.hubbub.spaces;

import io.hubbub.core.protocol.HubbubException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A space's or map's size in tiles, written {@code "WxH"} on the wire (e.g. {@code "100x200"}). */
public record Dimensions(int width, int height) {
    private static final Pattern WXH = Pattern.compile("([1-9][0-9]{0,5})x([1-9][0-9]{0,5})");

    /**
     * Parses {@code "WxH"}: two positive integers; {@code bad_request} for anything else ({@code "abc"},
     * {@code "100"}, {@code "100x"}, {@code "x200"}, {@code "-5x10"}, {@code "0x5"}) or a side over {@code max}.
     */
    public static Dimensions parse(String text, int max) {
        Matcher m = text == null ? null : WXH.matcher(text);
        if (m == null || !m.matches()) throw HubbubException.badRequest("dimensions must be \"WxH\" with positive integers, e.g. \"100x200\"");
        int w = Integer.parseInt(m.group(1));
        int h = Integer.parseInt(m.group(2));
        if (w > max || h > max) throw HubbubException.badRequest("dimensions must be at most " + max + "x" + max);
        return new Dimensions(w, h);
    }

    public boolean contains(int x, int y) {
        return x >= 0 && y >= 0 && x < width && y < height;
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
