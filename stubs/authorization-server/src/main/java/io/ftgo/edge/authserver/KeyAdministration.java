package io.ftgo.edge.authserver;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The key administrator's API (HTTP Basic, role {@code KEY_ADMIN}):
 * {@code GET /admin/keys}, {@code POST /admin/keys/rotate} (a new key signs from now on,
 * the replaced one stays published), {@code POST /admin/keys/retire} (drops replaced keys
 * past {@code ftgo.identity.keys.retire-after}; {@code ?force=true} drops them all, for a
 * compromised key), and {@code GET /admin/journal} ({@link RequestJournal}).
 */
@RestController
class KeyAdministration {

	private final SigningKeys keys;

	private final RequestJournal journal;

	KeyAdministration(SigningKeys keys, RequestJournal journal) {
		this.keys = keys;
		this.journal = journal;
	}

	@GetMapping("/admin/keys")
	SigningKeys.State keys() {
		return this.keys.state();
	}

	@PostMapping("/admin/keys/rotate")
	SigningKeys.State rotate() {
		return this.keys.rotate();
	}

	@PostMapping("/admin/keys/retire")
	SigningKeys.State retire(@RequestParam(defaultValue = "false") boolean force) {
		return this.keys.retire(force);
	}

	@GetMapping("/admin/journal")
	Map<String, Object> journal() {
		return this.journal.snapshot();
	}

}
