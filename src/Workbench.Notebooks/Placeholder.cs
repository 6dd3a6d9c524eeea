namespace Workbench.Notebooks;
