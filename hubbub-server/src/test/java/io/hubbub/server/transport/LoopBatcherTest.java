package io.hubbub.server.transport;

import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The fan-out of one broadcast costs one task per event loop, and its bytes are copied once per loop. */
class LoopBatcherTest {

    @Test
    void aBroadcastToManyConnectionsOfOneLoopIsOneTaskThere() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            EventLoop loop = group.next();
            AtomicInteger drained = new AtomicInteger();
            List<Outbox> boxes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Outbox[] self = new Outbox[1];
                self[0] = new Outbox(16, loop, () -> {
                    self[0].drainStarting();
                    while (self[0].poll() != null) drained.incrementAndGet();
                }, () -> { }, new TransportStats());
                boxes.add(self[0]);
            }
            CountDownLatch blocked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            loop.execute(() -> {
                blocked.countDown();
                await(release);
            });
            assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();
            Outbound.Push push = new Outbound.Push("message:new", Json.object().put("n", 1));
            for (Outbox box : boxes) assertThat(box.offer(push, false)).isTrue();
            assertThat(((SingleThreadEventExecutor) loop).pendingTasks()).as("one task for 200 receivers").isEqualTo(1);
            release.countDown();
            CountDownLatch done = new CountDownLatch(1);
            loop.execute(done::countDown);
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(drained.get()).isEqualTo(200);
            // the next broadcast schedules again
            for (Outbox box : boxes) box.offer(push, false);
            CountDownLatch again = new CountDownLatch(1);
            loop.execute(again::countDown);
            assertThat(again.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(drained.get()).isEqualTo(400);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aSharedFrameIsCopiedOncePerLoopAndFreedWhenItsSlotIsReused() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            EventLoop loop = group.next();
            byte[] frame = WsFrames.text("{\"type\":\"message:new\"}".getBytes());
            List<ByteBuf> written = loop.submit(() -> {
                List<ByteBuf> out = new ArrayList<>();
                out.add(SharedFrames.of(frame, PooledByteBufAllocator.DEFAULT));
                out.add(SharedFrames.of(frame, PooledByteBufAllocator.DEFAULT));
                return out;
            }).get(5, TimeUnit.SECONDS);
            ByteBuf a = written.get(0), b = written.get(1);
            assertThat(a.isDirect()).isTrue();
            ByteBuf shared = root(a);
            assertThat(root(b)).as("one copy shared by both receivers").isSameAs(shared);
            assertThat(ByteBufUtil.getBytes(a)).isEqualTo(frame);
            a.release();
            b.release();
            assertThat(shared.refCnt()).as("the loop's memo still holds it").isEqualTo(1);
            loop.submit(() -> {
                for (int i = 0; i < SharedFrames.SLOTS; i++) SharedFrames.of(new byte[] {(byte) 0x81, 0}, PooledByteBufAllocator.DEFAULT).release();
            }).get(5, TimeUnit.SECONDS);
            assertThat(shared.refCnt()).as("released once its slot was reused").isZero();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** The pooled buffer under any derived or leak-tracking wrappers (the leak detector wraps some allocations). */
    private static ByteBuf root(ByteBuf b) {
        while (b.unwrap() != null) b = b.unwrap();
        return b;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
