import type { Command } from 'commander';
import { clientOf, type CommonOptions } from '../../../context.js';
import { isoTime, printFields, printJson, printTable } from '../../../output.js';
import { governed } from './shared.js';

interface ConstructorView {
  annotation: string;
  kind: string;
  avm: string;
}

/** `aleph program show <id>`: the edition in force, its governance, and the constructor's AVM as the Leo guide prints it. */
export function registerShow(program: Command): void {
  program
    .command('show')
    .description(
      'Show a program: edition, owner, checksum, upgrade policy, constructor (and its AVM code), version in force, pending upgrades',
    )
    .argument('<ITEM_HASH>', 'Program id')
    .option('--json', 'Print as JSON')
    .action(async (id: string, opts: CommonOptions, cmd: Command) => {
      const p = await governed(id, () => clientOf(cmd, false).getProgram({ id }));
      if (opts.json) return printJson(p);
      // Every object inherits `constructor`: only an own property is the node's answer.
      const ctor = Object.hasOwn(p, 'constructor') ? (p.constructor as ConstructorView | null) : null;
      const content = (p.content ?? {}) as Record<string, any>;
      const version = p.version;
      printFields([
        ['Program', p.id ?? id],
        ['Name', content.metadata?.name ?? (p.manifest as { name?: string } | null)?.name],
        ['Status', p.status],
        ['Edition', p.edition],
        ['Owner', p.owner],
        ['Checksum', p.checksum],
        ['Upgrade policy', p.upgrade_policy ?? 'plain program (no program.toml): aleph rules only'],
        ['Updatable', content.allow_amend ? 'yes (allow_amend)' : 'no (allow_amend false)'],
        ['Version in force', p.current_hash],
        // What the compute node runs, which differs from the edition when an accepted one failed to start.
        ['Serving', p.serving ? p.serving.summary.replace(/^serving: /, '') : undefined],
        [
          'Rollout',
          p.rollout && p.rollout.status !== 'void'
            ? `${p.rollout.status}${p.rollout.edition === null ? '' : ` (edition ${p.rollout.edition}: ${p.rollout.percent} %)`}`
            : undefined,
        ],
        [
          'Since',
          version.height === undefined
            ? undefined
            : `height ${String(version.height)} (${isoTime(version.time)}), by ${String(version.cause_kind)} ${String(version.cause_message)}`,
        ],
        ['Constructor', ctor?.annotation.split('\n')[0] ?? 'none'],
      ]);
      if (ctor) process.stdout.write(`\n${ctor.avm}\n`);
      if (p.resolved?.length) {
        process.stdout.write('\nResolved references:\n');
        printTable(
          ['KIND', 'MOUNT', 'REF', 'FILE', 'LATEST'],
          p.resolved.map((r) => [r.kind, r.mount, r.ref, r.file_hash, r.use_latest ? 'yes' : 'no']),
        );
      }
      const pending = p.pending;
      process.stdout.write('\nPending upgrades:\n');
      printTable(
        ['MESSAGE', 'CAUSE', 'CHECKSUM', 'ANNOUNCED', 'TAKES EFFECT AT'],
        pending.map((x) => [
          String(x.message_hash),
          String(x.cause_kind),
          String(x.checksum),
          Number(x.announced_height),
          Number(x.effective_height),
        ]),
        'none',
      );
    });
}

const short = (h: unknown) =>
  typeof h === 'string' && h.length > 16 ? `${h.slice(0, 12)}…` : (h as string | undefined);

/** `aleph program history <id>`: every edition (who, when, what changed, checksum) and every refused attempt with its rule. */
export function registerHistory(program: Command): void {
  program
    .command('history')
    .description('Show every edition of a program and every refused upgrade with the rule that refused it')
    .argument('<ITEM_HASH>', 'Program id')
    .option('--json', 'Print as JSON')
    .action(async (id: string, opts: CommonOptions, cmd: Command) => {
      const h = await governed(id, () => clientOf(cmd, false).getProgramHistory({ id }));
      if (opts.json) return printJson(h);
      process.stdout.write('Editions:\n');
      // An edition aborted during its rollout never stayed in force; its number stays taken.
      const aborted = new Set((h.rollouts ?? []).flatMap((r) => (r.status === 'aborted' ? [r.edition] : [])));
      printTable(
        ['EDITION', 'WHEN', 'HEIGHT', 'WHO', 'CAUSE', 'MESSAGE', 'CHANGED', 'CHECKSUM'],
        h.editions.map((e) => [
          aborted.has(e.edition) ? `${e.edition} (aborted)` : e.edition,
          isoTime(e.time),
          e.height as number,
          e.sender,
          e.cause_kind as string,
          short(e.message_hash),
          Array.isArray(e.changes) ? e.changes.join(', ') : undefined,
          e.checksum,
        ]),
        'none',
      );
      process.stdout.write('\nRefused attempts:\n');
      printTable(
        ['WHEN', 'HEIGHT', 'WHO', 'CAUSE', 'MESSAGE', 'ERROR', 'RULE', 'DETAIL'],
        h.rejected.map((r) => [
          isoTime(r.time),
          r.height as number,
          r.sender as string,
          r.cause_kind as string,
          short(r.message_hash),
          r.error_code,
          r.rule as string,
          String(r.details?.message ?? ''),
        ]),
        'none',
      );
      const reports = h.serving_reports ?? [];
      if (reports.length) {
        process.stdout.write('\nServing reports:\n');
        printTable(
          ['WHEN', 'HEIGHT', 'COMPUTE NODE', 'REPORT'],
          reports.map((r) => [isoTime(r.time), r.height, r.reported_by, r.summary]),
        );
      }
      const rollouts = h.rollouts ?? [];
      if (rollouts.length) {
        process.stdout.write('\nRollouts:\n');
        printTable(
          ['WHEN', 'HEIGHT', 'EDITION', 'BY', 'EVENT'],
          rollouts.flatMap((r) => r.events.map((e) => [isoTime(e.time), e.height, r.edition, e.by, e.summary])),
        );
      }
      const pending = h.pending;
      if (pending.length) {
        process.stdout.write('\nTime-locked upgrades:\n');
        printTable(
          ['MESSAGE', 'ANNOUNCED', 'EFFECTIVE', 'STATUS', 'SETTLED AT'],
          pending.map((x) => [
            short(x.message_hash),
            Number(x.announced_height),
            Number(x.effective_height),
            String(x.status),
            x.settled_height as number | null,
          ]),
        );
      }
    });
}
