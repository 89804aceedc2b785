/**
 * `npm run scan`: n8n's own verification scan (@n8n/scan-community-package),
 * run here on the source and on the unpacked `npm pack` tarball, as n8n runs
 * it on a published package. Its command line only takes a published name,
 * so this calls its `analyzePackage` on local directories. `npm test` runs it:
 * CI fails the day a change breaks a rule n8n verifies.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { fileURLToPath } from 'url';

import {
	SOURCE_FILE_PATTERNS,
	analyzePackage,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function report(what, result) {
	if (result.passed) {
		console.log(`✓ n8n's verification scan passes on ${what}`);
		return true;
	}
	console.error(
		`✗ n8n's verification scan fails on ${what}: ${result.message}\n${result.details ?? ''}`,
	);
	return false;
}

const source = await analyzePackage(root, SOURCE_FILE_PATTERNS);

const work = mkdtempSync(join(tmpdir(), 'zoho-invoice-scan-'));
let packed;
try {
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
	execFileSync('npm', ['pack', '--silent', '--pack-destination', work], {
		cwd: root,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
	const unpacked = join(work, 'package');
	execFileSync('tar', ['-xzf', join(work, tarball), '-C', work]);
	packed = await analyzePackage(unpacked);
} finally {
	rmSync(work, { recursive: true, force: true });
}

const passed = [report('the source', source), report('the packed tarball', packed)].every(Boolean);
process.exit(passed ? 0 : 1);
