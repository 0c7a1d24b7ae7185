package io.hubbub.bench;

import io.hubbub.bench.load.Result;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Ratios of Hubbub against the floor and the peers, and the targets with met / not met. */
final class Ratios {
    private Ratios() {}

    static Optional<Result> find(List<Result> results, String target, String scenario) {
        return results.stream().filter(r -> r.target().equals(target) && r.scenario().equals(scenario)).findFirst();
    }

    static String text(List<Result> results, Map<String, Result> saturation) {
        StringBuilder sb = new StringBuilder("Ratios (hubbub-native = H):\n");
        for (String other : List.of("floor", "hubbub-sio", "ws", "socketio")) {
            var h = find(results, "hubbub-native", "fanout");
            var o = find(results, other, "fanout");
            if (h.isPresent() && o.isPresent()) {
                sb.append(String.format("  fanout CPU/delivery  H / %-10s = %.2f   p99 H / %-10s = %.2f%n", other,
                        h.get().serverCpuUsPerDelivery() / o.get().serverCpuUsPerDelivery(), other, h.get().p99() / o.get().p99()));
            }
            var hc = find(results, "hubbub-native", "connect");
            var oc = find(results, other, "connect");
            if (hc.isPresent() && oc.isPresent()) {
                sb.append(String.format("  idle RSS/connection  H / %-10s = %.2f%n", other, hc.get().rssPerConnKb() / oc.get().rssPerConnKb()));
                sb.append(String.format("  connect CPU/conn     H / %-10s = %.2f   connect p99 H / %-10s = %.2f%n", other,
                        hc.get().serverCpuUsPerDelivery() / oc.get().serverCpuUsPerDelivery(), other, hc.get().p99() / oc.get().p99()));
            }
            if (saturation.containsKey("hubbub-native") && saturation.containsKey(other) && !other.equals("hubbub-sio"))
                sb.append(String.format("  saturation rate     H / %-10s = %.2f%n", other,
                        saturation.get("hubbub-native").rate() / saturation.get(other).rate()));
        }
        sb.append("Saturation (highest fan-out deliveries/s with p99 <= 250 ms and nothing lost):\n");
        saturation.forEach((t, r) -> sb.append(String.format("  %-14s %,.0f deliveries/s at %.0f msg/s (p99 %.1f ms)%n", t, r.rate(),
                r.params().getOrDefault("msgPerSec", -1.0) instanceof Number n ? n.doubleValue() : -1, r.p99())));
        results.stream().filter(r -> r.scenario().equals("connect")).forEach(r -> sb.append(String.format(
                "Idle %-14s %,6d connections: %.2f KB RSS per connection; connect p50 %.2f / p99 %.2f ms, %.0f µs server CPU per connection%n",
                r.target(), r.connections(), r.rssPerConnKb(), r.p50(), r.p99(), r.serverCpuUsPerDelivery())));
        sb.append(targets(results, saturation));
        return sb.toString();
    }

    private static String targets(List<Result> results, Map<String, Result> saturation) {
        StringBuilder sb = new StringBuilder("Targets:\n");
        var h = find(results, "hubbub-native", "fanout");
        var floor = find(results, "floor", "fanout");
        var ws = find(results, "ws", "fanout");
        var sio = find(results, "socketio", "fanout");
        var hs = find(results, "hubbub-sio", "fanout");
        if (h.isPresent() && floor.isPresent())
            verdict(sb, "fanout CPU/delivery <= 1.25x floor", h.get().serverCpuUsPerDelivery() / floor.get().serverCpuUsPerDelivery(), 1.25, true);
        if (h.isPresent() && ws.isPresent())
            verdict(sb, "fanout CPU/delivery below ws (ratio < 1)", h.get().serverCpuUsPerDelivery() / ws.get().serverCpuUsPerDelivery(), 1.0, true);
        if (h.isPresent() && sio.isPresent())
            verdict(sb, "fanout p99 <= 1/5 of socket.io's (ratio <= 0.2)", h.get().p99() / sio.get().p99(), 0.2, true);
        Result hsat = saturation.get("hubbub-native");
        double bestPeer = saturation.entrySet().stream().filter(e -> e.getKey().equals("ws") || e.getKey().equals("socketio"))
                .mapToDouble(e -> e.getValue().rate()).max().orElse(-1);
        if (hsat != null && bestPeer > 0) verdict(sb, "saturation >= 3x best peer", hsat.rate() / bestPeer, 3.0, false);
        Result ssat = saturation.get("hubbub-sio");
        if (ssat != null && bestPeer > 0) verdict(sb, "saturation (Socket.IO path) >= 3x best peer", ssat.rate() / bestPeer, 3.0, false);
        var hsig = find(results, "hubbub-native", "signal");
        var psig = find(results, "peerjs", "signal");
        if (hsig.isPresent() && psig.isPresent()) {
            verdict(sb, "signal offer p99 <= 1/3 of PeerJS's (ratio <= 0.33)",
                    extra(hsig.get(), "offerP99Ms") / extra(psig.get(), "offerP99Ms"), 1.0 / 3, true);
            verdict(sb, "signal all-relays p99 <= 1/3 of PeerJS's", hsig.get().p99() / psig.get().p99(), 1.0 / 3, true);
            verdict(sb, "signal rooms/s >= 3x PeerJS (fresh server)", extra(hsig.get(), "roomsPerSec") / extra(psig.get(), "roomsPerSec"), 3.0, false);
            verdict(sb, "signal rooms/s >= 3x PeerJS (warm, second round)",
                    extra(hsig.get(), "roomsPerSecWarm") / extra(psig.get(), "roomsPerSecWarm"), 3.0, false);
        }
        find(results, "hubbub-native", "rooms").ifPresent(r -> verdict(sb, "rooms 2000/200 p99 <= 3 ms", r.p99(), 3.0, true));
        results.stream().filter(r -> r.target().equals("hubbub-native") && r.scenario().equals("connect"))
                .forEach(r -> verdict(sb, "idle RSS <= 5 KB/connection at " + r.connections(), r.rssPerConnKb(), 5.0, true));
        if (h.isPresent() && hs.isPresent())
            verdict(sb, "Socket.IO CPU/delivery <= 1.3x native", hs.get().serverCpuUsPerDelivery() / h.get().serverCpuUsPerDelivery(), 1.3, true);
        return sb.toString();
    }

    static double extra(Result r, String key) {
        return r.extra().get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static void verdict(StringBuilder sb, String what, double value, double limit, boolean atMost) {
        boolean met = atMost ? value <= limit : value >= limit;
        sb.append(String.format("  %-50s %8.2f  %s%n", what, value, met ? "MET" : "NOT MET"));
    }
}
