package io.hubbub.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

import java.nio.charset.StandardCharsets;

/**
 * Wraps another encoder (a pattern or {@code JsonEncoder}) and masks credentials in everything it
 * writes: message, arguments, MDC, stack traces. Masking the encoded text rather than the event
 * covers every field of every format. Expects the delegate to write UTF-8. In logback.xml:
 * <pre>{@code
 * <encoder class="io.hubbub.server.logging.MaskingEncoder">
 *   <encoder class="ch.qos.logback.classic.encoder.JsonEncoder"/>
 * </encoder>
 * }</pre>
 */
public class MaskingEncoder extends EncoderBase<ILoggingEvent> {
    private Encoder<ILoggingEvent> encoder;

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    public Encoder<ILoggingEvent> getEncoder() {
        return encoder;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("MaskingEncoder needs a nested <encoder>");
            return;
        }
        if (encoder.getContext() == null) encoder.setContext(getContext());
        if (!encoder.isStarted()) encoder.start();
        super.start();
    }

    @Override
    public void stop() {
        if (encoder != null) encoder.stop();
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return encoder.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return mask(encoder.encode(event));
    }

    @Override
    public byte[] footerBytes() {
        return encoder.footerBytes();
    }

    private static byte[] mask(byte[] bytes) {
        if (bytes == null || bytes.length == 0) return bytes;
        String text = new String(bytes, StandardCharsets.UTF_8);
        String masked = SecretMasker.mask(text);
        return masked.equals(text) ? bytes : masked.getBytes(StandardCharsets.UTF_8);
    }
}
