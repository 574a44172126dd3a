namespace Hotline.Ui.Tests;
