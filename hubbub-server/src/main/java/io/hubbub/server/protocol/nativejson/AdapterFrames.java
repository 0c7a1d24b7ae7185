package io.hubbub.server.protocol.nativejson;

import io.hubbub.core.auth.Principal;
import io.hubbub.core.feature.adapter.AdapterCodec;
import io.hubbub.core.feature.adapter.AdapterConnection;
import io.hubbub.core.feature.adapter.ProtocolAdapter;
import io.hubbub.core.session.Session;

import java.util.List;

/**
 * What a {@link ProtocolAdapter} needs on the native transport: the per-connection codec bound to its
 * session (its messages are decoded through it by {@link InboundMessages#adapter}).
 */
final class AdapterFrames {
    private AdapterFrames() {}

    /** A connection's codec and what the codec may know of the connection. */
    static final class Binding implements AdapterConnection {
        private final String remoteAddress;
        private final java.util.Map<String, List<String>> query;
        private final AdapterCodec codec;
        private volatile Session session;

        private Binding(ProtocolAdapter adapter, String remoteAddress, java.util.Map<String, List<String>> query) {
            this.remoteAddress = remoteAddress;
            this.query = query;
            this.codec = adapter.open(this);
        }

        AdapterCodec codec() {
            return codec;
        }

        void session(Session s) {
            this.session = s;
        }

        @Override
        public Principal principal() {
            Session s = session;
            return s == null ? null : s.principal();
        }

        @Override
        public String remoteAddress() {
            return remoteAddress;
        }

        @Override
        public String query(String name) {
            List<String> v = query.get(name);
            return v == null || v.isEmpty() ? null : v.getFirst();
        }
    }

    static Binding bind(ProtocolAdapter adapter, String remoteAddress, java.util.Map<String, List<String>> query) {
        return new Binding(adapter, remoteAddress, query);
    }
}
