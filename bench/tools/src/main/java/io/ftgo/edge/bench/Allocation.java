package io.ftgo.edge.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.management.ThreadMXBean;
import com.sun.tools.attach.VirtualMachine;

/**
 * {@code alloc --pid=P --out=FILE}: what each thread of a running JVM has allocated so far,
 * from HotSpot's per-thread allocation counters
 * ({@code ThreadMXBean#getThreadAllocatedBytes}), read over the JVM's local management
 * agent (started through the attach API). Writes one line per live thread:
 * {@code id bytes name}. Two samples around a load run give the bytes allocated per
 * request: per thread, the second count minus the first (all of it for a thread started in
 * between), summed, divided by the requests the load sent. A thread that ends in between
 * is missed, which the event-loop threads that serve requests never do.
 */
final class Allocation {

	private Allocation() {
	}

	static void run(Map<String, String> options) throws Exception {
		String pid = Tools.required(options, "pid");
		Path out = Path.of(Tools.required(options, "out"));
		VirtualMachine vm = VirtualMachine.attach(pid);
		String address;
		try {
			address = vm.startLocalManagementAgent();
		}
		finally {
			vm.detach();
		}
		try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
			MBeanServerConnection connection = connector.getMBeanServerConnection();
			ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(connection,
					ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
			long[] ids = threads.getAllThreadIds();
			long[] bytes = threads.getThreadAllocatedBytes(ids);
			ThreadInfo[] infos = threads.getThreadInfo(ids);
			StringBuilder lines = new StringBuilder();
			for (int i = 0; i < ids.length; i++) {
				if (bytes[i] >= 0) {
					String name = (infos[i] != null) ? infos[i].getThreadName().replace(' ', '_') : "?";
					lines.append(ids[i]).append(' ').append(bytes[i]).append(' ').append(name).append('\n');
				}
			}
			Files.writeString(out, lines);
		}
	}

}
