/**
 * `stacks completion bash|zsh`: a completion script generated from the registered verbs, their
 * subcommands and options (so it never lists a verb that is gone). zsh loads the same function
 * through bashcompinit, as Terraform's completion does.
 */
import type { Command } from 'commander';
import { emit, type CommandModule, type GlobalOptions } from '../context.js';
import { inputError } from '../../lib/errors.js';

const SHELLS = ['bash', 'zsh'] as const;

function words(cmd: Command): string[] {
  return [...cmd.commands.map((c) => c.name()), ...cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)))];
}

export function completionScript(program: Command, shell: (typeof SHELLS)[number]): string {
  const cases: string[] = [];
  const visit = (cmd: Command, path: string[]) => {
    for (const sub of cmd.commands) {
      const here = [...path, sub.name()];
      cases.push(`    "${here.join(' ')}") opts="${words(sub).join(' ')}" ;;`);
      visit(sub, here);
    }
  };
  visit(program, []);
  const fn = `_stacks_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" w opts
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$w" in -*) ;; *) path="\${path:+$path }$w" ;; esac
  done
  case "$path" in
${cases.join('\n')}
    *) opts="${words(program).join(' ')}" ;;
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _stacks_complete stacks`;
  return shell === 'bash'
    ? `# bash completion for stacks: source <(stacks completion bash)\n${fn}\n`
    : `#compdef stacks\n# zsh completion for stacks: source <(stacks completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n${fn}\n`;
}

export const completionCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    program
      .command('completion')
      .description('print a shell completion script: source <(stacks completion bash) (or zsh)')
      .argument('<shell>', SHELLS.join(' | '))
      .action((shell: string) => {
        if (!(SHELLS as readonly string[]).includes(shell))
          throw inputError('E_USAGE', '(command line)', 'shell', `unknown shell "${shell}"`, `shells: ${SHELLS.join(', ')}`);
        const g = globals();
        const script = completionScript(program, shell as (typeof SHELLS)[number]);
        emit(g, { shell, script }, () => script);
      });
  },
};
