package io.ftgo.edge.stubs;

/**
 * The fixed points of the stub seed data that tests and demos may rely on
 * (stubs/README.md has every order). Kept in step with the mapping files by the stubs
 * module's tests.
 */
public final class FtgoSeeds {

	/** alice's consumer id. */
	public static final long ALICE = 1001;

	/** bob's consumer id. */
	public static final long BOB = 1002;

	/** carol's consumer id. */
	public static final long CAROL = 1003;

	/** dave's consumer id: a consumer without orders. */
	public static final long DAVE = 1004;

	/** Restaurant "Ajanta", bound to partner-ajanta. */
	public static final long AJANTA = 501;

	/** Restaurant "Egg Shop", bound to partner-eggshop. */
	public static final long EGG_SHOP = 502;

	/** Restaurant "Broken Wok": {@code GET /restaurants/503} answers malformed JSON. */
	public static final long BROKEN_WOK = 503;

	/** Restaurant "Sushi Sora". */
	public static final long SUSHI_SORA = 504;

	/**
	 * alice's order at Ajanta, APPROVED, total "61.70", courier on the way (ticket
	 * PICKED_UP, delivery SCHEDULED with courier, location and ETA).
	 */
	public static final long ORDER_ON_THE_WAY = 7001;

	/** bob's order at Egg Shop. */
	public static final long ORDER_OF_BOB = 7002;

	/** alice's order whose delivery ({@code /deliveries/7901}) answers after 5 s. */
	public static final long FAULT_DELIVERY_SLOW = 7901;

	/** alice's order whose ticket ({@code /tickets/7902}) answers 500. */
	public static final long FAULT_KITCHEN_500 = 7902;

	/** alice's order whose bill ({@code /bills/7903}) resets the connection. */
	public static final long FAULT_ACCOUNTING_RESET = 7903;

	/**
	 * alice's order at restaurant 503, whose {@code /restaurants/503} answers malformed
	 * JSON.
	 */
	public static final long FAULT_RESTAURANT_MALFORMED = 7904;

	/** The order id {@code POST /orders} answers for every new order. */
	public static final long NEW_ORDER = 7100;

	/** An id no provider knows: every provider answers 404 with an empty body. */
	public static final long UNKNOWN = 9999;

	private FtgoSeeds() {
	}

}
