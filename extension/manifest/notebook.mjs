// The notebook kernel's manifest pieces, merged into package.json by apply.mjs.
const kernelSelected = "notebookKernel == 'vm-system.vm-system/vmSystem.notebook'";

export const notebookCommands = [
  { command: 'vmSystem.restartNotebook', title: 'VM System: Restart Notebook Session', icon: '$(debug-restart)' },
];

export const notebookMenus = {
  commandPalette: [
    { command: 'vmSystem.restartNotebook', when: 'notebookType == jupyter-notebook' },
  ],
  'notebook/toolbar': [
    { command: 'vmSystem.restartNotebook', when: kernelSelected, group: 'navigation/execute@10' },
  ],
};

export const notebookActivationEvents = ['onNotebook:jupyter-notebook'];
