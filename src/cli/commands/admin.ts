/** `gcsync admin register-search-attributes`: one-time namespace set-up, run by whoever administers the namespace. */
import type { Command } from 'commander';
import { registerSearchAttributes } from '../../admin/search-attributes';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../../workflows/search-attributes';
import { printText } from '../output/print';
import { withTemporalClient } from './client-session';

export function registerAdminCommand(program: Command): void {
  const admin = program
    .command('admin')
    .description('Namespace administration (needs operator rights on the namespace)')
    .addHelpText('after', '\nExamples:\n  $ gcsync admin register-search-attributes');

  admin
    .command('register-search-attributes')
    .description(
      `Add gcsync's custom search attributes (${Object.keys(CUSTOM_SEARCH_ATTRIBUTES).join(', ')}) to the namespace ` +
        'where missing; the worker refuses to start without them',
    )
    .addHelpText(
      'after',
      `
Uses the TEMPORAL_* settings (address, namespace, TLS, API key) like every command.
Running it again is harmless: attributes already there are left as they are.

Examples:
  $ gcsync admin register-search-attributes
  $ TEMPORAL_NAMESPACE=gcsync-prod gcsync admin register-search-attributes`,
    )
    .action(async () => {
      await withTemporalClient(async (client, config) => {
        const added = await registerSearchAttributes(client.connection, config.namespace);
        const all = Object.keys(CUSTOM_SEARCH_ATTRIBUTES);
        printText(
          added.length
            ? `Registered in namespace ${config.namespace}: ${added.join(', ')}` +
                (added.length < all.length ? ` (the others were already there)` : '')
            : `Namespace ${config.namespace} already has ${all.join(', ')}; nothing to do.`,
        );
      });
    });
}
